#include "store/postgres/pg_connection.hpp"

#include "core/error.hpp"
#include "core/log.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace clockko::store::postgres {
namespace {

struct ConnectionCloser {
    void operator()(PGconn* connection) const { PQfinish(connection); }
};

struct ResultClearer {
    void operator()(PGresult* result) const { PQclear(result); }
};

using ConnectionHandle = std::unique_ptr<PGconn, ConnectionCloser>;
using ResultHandle = std::unique_ptr<PGresult, ResultClearer>;

// libpq's messages span lines; a log line must not.
std::string OneLine(const char* text) {
    std::string out = text != nullptr ? text : "";
    for (char& c : out) {
        if (c == '\n' || c == '\r') {
            c = ' ';
        }
    }
    while (!out.empty() && out.back() == ' ') {
        out.pop_back();
    }
    return out;
}

// Connection exceptions (class 08) and the server going away (57P01..57P03): the connection is
// finished and the database may come back.
bool IsConnectionLoss(std::string_view sql_state) {
    return sql_state.starts_with("08") || sql_state == "57P01" || sql_state == "57P02" ||
           sql_state == "57P03";
}

// By default libpq prints notices ("relation already exists, skipping") on stderr.
void LogNotice(void* /*context*/, const char* message) {
    if (core::LogEnabled(core::LogLevel::kDebug)) {
        core::LogDebug("postgres notice", {{"notice", OneLine(message)}});
    }
}

}  // namespace

struct Connection::Impl {
    ConnectionHandle connection;
    std::unordered_set<std::string> prepared;
    std::string last_sql_state;
    bool broken = false;

    [[noreturn]] void Fail(const PGresult* result, std::string_view what) {
        const char* state =
            result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
        last_sql_state = state != nullptr ? state : "";
        std::string message = "postgres ";
        message.append(what);
        if (PQstatus(connection.get()) == CONNECTION_BAD || IsConnectionLoss(last_sql_state)) {
            broken = true;
            message.append(": connection lost: ").append(OneLine(PQerrorMessage(connection.get())));
            throw core::StoreUnavailable(message);
        }
        message.append(" failed");
        if (!last_sql_state.empty()) {
            message.append(" (SQLSTATE ").append(last_sql_state).append(")");
        }
        // Data exceptions (class 22) quote the offending value in their message: leave it out.
        const char* primary =
            result != nullptr ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
        if (primary != nullptr && !last_sql_state.starts_with("22")) {
            message.append(": ").append(OneLine(primary));
        }
        throw core::StoreFailure(message);
    }

    ResultHandle Check(PGresult* raw, std::string_view what) {
        ResultHandle result(raw);
        const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
            Fail(result.get(), what);
        }
        last_sql_state.clear();
        return result;
    }

    ResultHandle Run(const sql::Statement& statement, std::initializer_list<sql::Param> params) {
        if (!prepared.contains(statement.name)) {
            Check(
                PQprepare(connection.get(), statement.name, statement.text, 0, nullptr),
                std::string("prepare ") + statement.name
            );
            prepared.emplace(statement.name);
        }
        // Text-format parameters must be NUL-terminated, hence the copies.
        std::vector<std::string> storage;
        std::vector<bool> is_null;
        storage.reserve(params.size());
        for (const auto& param : params) {
            is_null.push_back(std::holds_alternative<std::nullptr_t>(param));
            if (const auto* number = std::get_if<std::int64_t>(&param)) {
                storage.push_back(std::to_string(*number));
            } else if (const auto* text = std::get_if<std::string_view>(&param)) {
                if (text->find('\0') != std::string_view::npos) {
                    throw core::StoreFailure(
                        std::string("postgres ") + statement.name + ": text parameter has a NUL"
                    );
                }
                storage.emplace_back(*text);
            } else {
                storage.emplace_back();
            }
        }
        std::vector<const char*> values;
        values.reserve(storage.size());
        for (std::size_t i = 0; i < storage.size(); ++i) {
            values.push_back(is_null[i] ? nullptr : storage[i].c_str());
        }
        return Check(
            PQexecPrepared(
                connection.get(),
                statement.name,
                static_cast<int>(values.size()),
                values.data(),
                nullptr,
                nullptr,
                0
            ),
            statement.name
        );
    }
};

Connection::Connection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Connection::~Connection() = default;

std::unique_ptr<Connection> Connection::Open(const ConnectParams& params) {
    std::vector<const char*> keywords;
    std::vector<const char*> values;
    for (const auto& [keyword, value] : params) {
        keywords.push_back(keyword.c_str());
        values.push_back(value.c_str());
    }
    keywords.push_back(nullptr);
    values.push_back(nullptr);
    // expand_dbname = 0: a database name is only ever a name, never a connection string.
    ConnectionHandle connection(PQconnectdbParams(keywords.data(), values.data(), 0));
    if (!connection) {
        throw core::StoreUnavailable("postgres: cannot allocate a connection");
    }
    if (PQstatus(connection.get()) != CONNECTION_OK) {
        throw core::StoreUnavailable(
            "postgres: cannot connect: " + OneLine(PQerrorMessage(connection.get()))
        );
    }
    PQsetNoticeProcessor(connection.get(), LogNotice, nullptr);
    auto impl = std::make_unique<Impl>();
    impl->connection = std::move(connection);
    return std::unique_ptr<Connection>(new Connection(std::move(impl)));
}

sql::Rows Connection::Query(
    const sql::Statement& statement, std::initializer_list<sql::Param> params
) {
    const ResultHandle result = impl_->Run(statement, params);
    const int row_count = PQntuples(result.get());
    const int column_count = PQnfields(result.get());
    sql::Rows rows(static_cast<std::size_t>(column_count));
    for (int row = 0; row < row_count; ++row) {
        for (int column = 0; column < column_count; ++column) {
            if (PQgetisnull(result.get(), row, column) != 0) {
                rows.Append(std::nullopt);
                continue;
            }
            rows.Append(std::string(
                PQgetvalue(result.get(), row, column),
                static_cast<std::size_t>(PQgetlength(result.get(), row, column))
            ));
        }
    }
    return rows;
}

std::int64_t Connection::Execute(
    const sql::Statement& statement, std::initializer_list<sql::Param> params
) {
    const ResultHandle result = impl_->Run(statement, params);
    const std::string_view affected = PQcmdTuples(result.get());
    std::int64_t count = 0;
    std::from_chars(affected.data(), affected.data() + affected.size(), count);
    return count;
}

void Connection::ExecuteScript(const char* name, const char* script) {
    impl_->Check(PQexec(impl_->connection.get(), script), name);
}

void Connection::Commit() {
    const ResultHandle result = impl_->Check(PQexec(impl_->connection.get(), "COMMIT"), "commit");
    // COMMIT of a transaction that had an error answers ROLLBACK without an error.
    if (std::string_view(PQcmdStatus(result.get())) != "COMMIT") {
        impl_->last_sql_state = "25P02";
        throw core::StoreFailure("postgres commit: the failed transaction was rolled back");
    }
}

bool Connection::RollbackIfOpen() noexcept {
    if (Broken()) {
        return false;
    }
    switch (PQtransactionStatus(impl_->connection.get())) {
        case PQTRANS_IDLE:
            return true;
        case PQTRANS_INTRANS:
        case PQTRANS_INERROR: {
            const ResultHandle result(PQexec(impl_->connection.get(), "ROLLBACK"));
            return result && PQresultStatus(result.get()) == PGRES_COMMAND_OK;
        }
        case PQTRANS_ACTIVE:
        case PQTRANS_UNKNOWN:
            return false;
    }
    return false;
}

bool Connection::Healthy() {
    if (Broken()) {
        return false;
    }
    if (PQconsumeInput(impl_->connection.get()) == 0) {
        impl_->broken = true;
        return false;
    }
    return !Broken() && PQtransactionStatus(impl_->connection.get()) == PQTRANS_IDLE;
}

bool Connection::Broken() const {
    return impl_->broken || PQstatus(impl_->connection.get()) != CONNECTION_OK;
}

void Connection::MarkBroken() {
    impl_->broken = true;
}

const std::string& Connection::LastSqlState() const {
    return impl_->last_sql_state;
}

void CheckKeywords(const ConnectParams& params) {
    struct OptionsFree {
        void operator()(PQconninfoOption* options) const { PQconninfoFree(options); }
    };

    const std::unique_ptr<PQconninfoOption, OptionsFree> defaults(PQconndefaults());
    if (!defaults) {
        throw core::StoreFailure("postgres: cannot read libpq's connection keywords");
    }
    std::unordered_set<std::string_view> known;
    for (const PQconninfoOption* option = defaults.get(); option->keyword != nullptr; ++option) {
        known.insert(option->keyword);
    }
    for (const auto& entry : params) {
        if (!known.contains(entry.first)) {
            throw core::StoreFailure(
                "postgres: unknown database URL parameter '" + entry.first + "'"
            );
        }
    }
}

}  // namespace clockko::store::postgres
