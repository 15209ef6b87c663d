#include "store/sqlite/sqlite_connection.hpp"

#include "core/error.hpp"
#include "core/log.hpp"

#include <sqlite3.h>

#include <string_view>
#include <thread>
#include <unordered_map>

namespace clockko::store::sqlite {
namespace {

constexpr std::string_view kMemoryPath = ":memory:";
// Between two BEGIN/COMMIT attempts the engine answered SQLITE_BUSY without waiting (its busy
// handler is skipped in a few cases, e.g. while another connection recovers the WAL).
constexpr std::chrono::milliseconds kBusyRetryPause{2};

struct DatabaseCloser {
    void operator()(sqlite3* db) const {
        // close_v2 only fails on misuse; statements still open make it a deferred close.
        if (sqlite3_close_v2(db) != SQLITE_OK) {
            core::LogWarning("sqlite: closing a connection failed");
        }
    }
};

struct StatementFinalizer {
    void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};

struct SqliteFree {
    void operator()(char* text) const { sqlite3_free(text); }
};

using DatabaseHandle = std::unique_ptr<sqlite3, DatabaseCloser>;
using StatementHandle = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;
using ErrorText = std::unique_ptr<char, SqliteFree>;

bool IsBusy(int rc) {
    const int primary = rc & 0xFF;
    return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

[[noreturn]] void Fail(sqlite3* db, int rc, std::string_view what) {
    std::string message = "sqlite ";
    message.append(what).append(": ").append(sqlite3_errstr(rc));
    if (db != nullptr) {
        message.append(" (").append(sqlite3_errmsg(db)).append(")");
    }
    if (IsBusy(rc) || (rc & 0xFF) == SQLITE_CANTOPEN) {
        throw core::StoreUnavailable(message);
    }
    throw core::StoreFailure(message);
}

// Clears bindings and resets a cached statement however its use ends.
class StatementUse final {
public:
    explicit StatementUse(sqlite3_stmt* statement) : statement_(statement) {}

    ~StatementUse() {
        // reset repeats the last step's error code, already reported by then.
        sqlite3_reset(statement_);
        sqlite3_clear_bindings(statement_);
    }

    StatementUse(const StatementUse&) = delete;
    StatementUse& operator=(const StatementUse&) = delete;
    StatementUse(StatementUse&&) = delete;
    StatementUse& operator=(StatementUse&&) = delete;

private:
    sqlite3_stmt* statement_;
};

int BindOne(sqlite3_stmt* statement, int index, const sql::Param& param) {
    if (const auto* number = std::get_if<std::int64_t>(&param)) {
        return sqlite3_bind_int64(statement, index, *number);
    }
    if (const auto* text = std::get_if<std::string_view>(&param)) {
        // The caller's text outlives the statement's use (reset before Query returns), so no
        // copy is needed: a null destructor is SQLITE_STATIC.
        // A null pointer would bind NULL, so an empty view gets a real (empty) string.
        const char* data = text->data() != nullptr ? text->data() : "";
        return sqlite3_bind_text64(statement, index, data, text->size(), nullptr, SQLITE_UTF8);
    }
    return sqlite3_bind_null(statement, index);
}

}  // namespace

struct Connection::Impl {
    DatabaseHandle db;
    std::chrono::milliseconds busy_timeout{};
    std::unordered_map<std::string_view, StatementHandle> statements;

    sqlite3_stmt* Prepared(const sql::Statement& statement) {
        const auto found = statements.find(statement.name);
        if (found != statements.end()) {
            return found->second.get();
        }
        sqlite3_stmt* raw = nullptr;
        const int rc = sqlite3_prepare_v3(
            db.get(), statement.text, -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr
        );
        StatementHandle handle(raw);
        if (rc != SQLITE_OK) {
            Fail(db.get(), rc, std::string("prepare ") + statement.name);
        }
        return statements.emplace(statement.name, std::move(handle)).first->second.get();
    }

    sql::Rows Run(const sql::Statement& statement, std::initializer_list<sql::Param> params) {
        sqlite3_stmt* prepared = Prepared(statement);
        const StatementUse use(prepared);
        int index = 1;
        for (const auto& param : params) {
            const int rc = BindOne(prepared, index++, param);
            if (rc != SQLITE_OK) {
                Fail(db.get(), rc, std::string("bind ") + statement.name);
            }
        }
        const int columns = sqlite3_column_count(prepared);
        sql::Rows rows(static_cast<std::size_t>(columns));
        for (;;) {
            const int rc = sqlite3_step(prepared);
            if (rc == SQLITE_DONE) {
                return rows;
            }
            if (rc != SQLITE_ROW) {
                Fail(db.get(), rc, statement.name);
            }
            for (int column = 0; column < columns; ++column) {
                rows.Append(ReadCell(prepared, column, statement.name));
            }
        }
    }

    std::optional<std::string> ReadCell(sqlite3_stmt* prepared, int column, const char* name)
        const {
        if (sqlite3_column_type(prepared, column) == SQLITE_NULL) {
            return std::nullopt;
        }
        const unsigned char* text = sqlite3_column_text(prepared, column);
        if (text == nullptr) {
            Fail(db.get(), SQLITE_NOMEM, name);
        }
        const int bytes = sqlite3_column_bytes(prepared, column);
        return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(bytes));
    }

    int RawExec(const char* text) const {
        return sqlite3_exec(db.get(), text, nullptr, nullptr, nullptr);
    }

    void ExecWhileBusy(const char* text, std::string_view what) const {
        const auto deadline = std::chrono::steady_clock::now() + busy_timeout;
        for (;;) {
            const int rc = RawExec(text);
            if (rc == SQLITE_OK) {
                return;
            }
            if (!IsBusy(rc) || std::chrono::steady_clock::now() >= deadline) {
                Fail(db.get(), rc, what);
            }
            std::this_thread::sleep_for(kBusyRetryPause);
        }
    }
};

Connection::Connection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Connection::~Connection() = default;

std::unique_ptr<Connection> Connection::Open(
    const std::string& path, std::chrono::milliseconds busy_timeout
) {
    sqlite3* raw = nullptr;
    // NOMUTEX: each connection is used by one thread at a time, so SQLite's own lock is waste.
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    auto impl = std::make_unique<Impl>();
    impl->db.reset(raw);  // closed even when opening failed
    impl->busy_timeout = busy_timeout;
    if (rc != SQLITE_OK) {
        throw core::StoreUnavailable(
            std::string("sqlite: cannot open the database: ") + sqlite3_errstr(rc)
        );
    }
    sqlite3* db = impl->db.get();
    if (const int ext = sqlite3_extended_result_codes(db, 1); ext != SQLITE_OK) {
        Fail(db, ext, "enable extended result codes");
    }
    if (const int busy = sqlite3_busy_timeout(db, static_cast<int>(busy_timeout.count()));
        busy != SQLITE_OK) {
        Fail(db, busy, "set busy timeout");
    }
    std::unique_ptr<Connection> connection(new Connection(std::move(impl)));
    connection->ExecuteScript("enable foreign keys", "PRAGMA foreign_keys = ON");
    if (path != kMemoryPath) {
        constexpr sql::Statement kJournalModeWal{"journal_mode_wal", "PRAGMA journal_mode = WAL"};
        const sql::Rows mode = connection->Query(kJournalModeWal, {});
        if (mode.Empty() || mode.Text(0, 0) != "wal") {
            throw core::StoreFailure("sqlite: the database refused WAL journaling");
        }
    }
    return connection;
}

sql::Rows Connection::Query(
    const sql::Statement& statement, std::initializer_list<sql::Param> params
) {
    return impl_->Run(statement, params);
}

std::int64_t Connection::Execute(
    const sql::Statement& statement, std::initializer_list<sql::Param> params
) {
    impl_->Run(statement, params);
    return sqlite3_changes64(impl_->db.get());
}

void Connection::ExecuteScript(const char* name, const char* script) {
    char* raw_error = nullptr;
    const int rc = sqlite3_exec(impl_->db.get(), script, nullptr, nullptr, &raw_error);
    const ErrorText error(raw_error);
    if (rc != SQLITE_OK) {
        Fail(impl_->db.get(), rc, name);
    }
}

void Connection::RunImmediate(const std::function<void()>& work) {
    impl_->ExecWhileBusy("BEGIN IMMEDIATE", "begin immediate");
    try {
        work();
        impl_->ExecWhileBusy("COMMIT", "commit");
    } catch (...) {
        if (!RollbackIfOpen()) {
            core::LogWarning("sqlite: rollback failed; the connection will be dropped");
        }
        throw;
    }
}

bool Connection::InTransaction() const {
    return sqlite3_get_autocommit(impl_->db.get()) == 0;
}

bool Connection::RollbackIfOpen() noexcept {
    if (!InTransaction()) {
        return true;
    }
    return impl_->RawExec("ROLLBACK") == SQLITE_OK;
}

}  // namespace clockko::store::sqlite
