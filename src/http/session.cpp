#include "http/access_log.hpp"
#include "http/metrics.hpp"
#include "http/server_internal.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <chrono>

namespace clockko::http {
namespace {

namespace bhttp = beast::http;
using SteadyClock = std::chrono::steady_clock;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kReadChunk = 4096;
// After an error answer we read (and drop) what the client still sends for a moment, so that
// closing does not reset the connection before the client has read the answer.
constexpr std::chrono::seconds kLingerTimeout{2};
constexpr std::size_t kLingerMaxBytes = std::size_t{1024} * 1024;

/// What the server refuses itself, or nullopt for a silent close (EOF, timeout, reset).
std::optional<Rejection> RejectionFor(const beast::error_code& ec) {
    if (ec == bhttp::error::header_limit) {
        return Rejection::kHeadersTooLarge;
    }
    if (ec == bhttp::error::body_limit) {
        return Rejection::kBodyTooLarge;
    }
    if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message) {
        return std::nullopt;
    }
    if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category()) {
        return Rejection::kBadRequest;
    }
    return std::nullopt;
}

void CopyHeader(const bhttp::request_parser<bhttp::string_body>& parser, HttpRequest& request) {
    const auto& message = parser.get();
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    for (const auto& field : message) {
        request.headers.Add(std::string(field.name_string()), std::string(field.value()));
    }
}

/// One request as read, or why reading stopped.
struct Incoming {
    HttpRequest request;
    std::optional<Rejection> rejection;
    bool ok = false;  ///< a complete request; false without rejection: close silently
    bool keep_alive = false;
    bool head = false;
    unsigned version = 11;
    SteadyClock::time_point started = SteadyClock::now();
};

/// Runs App::Handle on the worker pool (or the hash pool); the completion resumes the
/// coroutine on its strand.
struct HandleOnWorker {
    Impl* server;
    bool hashing = false;

    template <class Handler>
    void operator()(Handler&& handler, const HttpRequest* request) const {
        // Tracked work keeps the io_context running while the job is away from it.
        const auto& tracked = asio::execution::outstanding_work_t::tracked;
        auto resume = asio::prefer(asio::get_associated_executor(handler), tracked);
        const auto queued = SteadyClock::now();
        const bool on_hash_pool = hashing;
        asio::post(
            on_hash_pool ? *server->hash_pool : *server->pool,
            [owner = server,
             request,
             handler = std::forward<Handler>(handler),
             resume,
             queued,
             on_hash_pool]() mutable {
                if (on_hash_pool) {
                    LowerHashThreadPriorityOnce(owner->options.hash_nice);
                }
                if (owner->options.metrics != nullptr) {
                    owner->options.metrics->ObserveQueueWait(
                        std::chrono::duration<double>(SteadyClock::now() - queued).count(),
                        on_hash_pool
                    );
                }
                HttpResponse response = owner->abandon
                                            ? owner->app.Reject(*request, Rejection::kOverloaded)
                                            : owner->app.Handle(*request);
                (on_hash_pool ? owner->in_hash_pool : owner->in_pool).fetch_sub(1);
                asio::post(
                    resume,
                    [handler = std::move(handler), response = std::move(response)]() mutable {
                        std::move(handler)(std::move(response));
                    }
                );
            }
        );
    }
};

template <class Token>
auto AsyncHandleOnWorker(Impl* server, const HttpRequest* request, bool hashing, Token&& token) {
    return asio::async_initiate<Token, void(HttpResponse)>(
        HandleOnWorker{server, hashing}, token, request
    );
}

asio::awaitable<HttpResponse> Respond(Impl* server, HttpRequest* request) {
    const Execution where = server->app.Prepare(*request);
    if (where == Execution::kInline) {
        co_return server->app.Handle(*request);
    }
    const bool hashing = where == Execution::kHashing;
    if (!server->TryAdmitJob(hashing)) {
        co_return server->app.Reject(*request, Rejection::kOverloaded);
    }
    // `request` lives in the caller's frame, which stays suspended until the job completes.
    co_return co_await AsyncHandleOnWorker(server, request, hashing, asio::use_awaitable);
}

asio::awaitable<bool> SendContinue(std::shared_ptr<Session> session, unsigned version) {
    bhttp::response<bhttp::empty_body> interim{bhttp::status::continue_, version};
    session->stream.expires_after(session->server.options.write_timeout);
    auto [ec, written] = co_await bhttp::async_write(session->stream, interim, kTuple);
    co_return !ec;
}

/// Reads one request: first byte within the idle (or, first, header) timeout, headers within
/// header_timeout, body within body_timeout, with the header and body limits.
asio::awaitable<Incoming> ReadRequest(std::shared_ptr<Session> session, bool first) {
    const ServerOptions& options = session->server.options;
    Incoming in;
    in.request.peer_address = session->peer;
    auto header_deadline = SteadyClock::now() + options.header_timeout;
    if (session->buffer.size() == 0) {
        session->idle = true;
        session->stream.expires_after(first ? options.header_timeout : options.idle_timeout);
        auto [ec, n] =
            co_await session->stream.async_read_some(session->buffer.prepare(kReadChunk), kTuple);
        session->idle = false;
        if (ec) {
            co_return in;
        }
        session->buffer.commit(n);
        if (!first) {
            header_deadline = SteadyClock::now() + options.header_timeout;
        }
    }
    session->idle = false;
    in.started = SteadyClock::now();
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
    parser.body_limit(options.body_limit);
    session->stream.expires_at(header_deadline);
    auto [ec, n] =
        co_await bhttp::async_read_header(session->stream, session->buffer, parser, kTuple);
    if (!ec && !parser.is_done()) {
        const bool expects = EqualsIgnoreCase(parser.get()[bhttp::field::expect], "100-continue");
        if (expects && !co_await SendContinue(session, parser.get().version())) {
            co_return in;
        }
        session->stream.expires_after(options.body_timeout);
        std::tie(ec, n) =
            co_await bhttp::async_read(session->stream, session->buffer, parser, kTuple);
    }
    CopyHeader(parser, in.request);
    if (ec) {
        in.rejection = RejectionFor(ec);
        co_return in;
    }
    in.ok = true;
    in.keep_alive = parser.get().keep_alive();
    in.head = parser.get().method() == bhttp::verb::head;
    in.version = parser.get().version();
    in.request.body = std::move(parser.get().body());
    co_return in;
}

/// Writes `response`; returns whether the connection stays open.
asio::awaitable<bool> Write(
    std::shared_ptr<Session> session, const Incoming& in, HttpResponse& response
) {
    bhttp::response<bhttp::string_body> out;
    out.version(in.version);
    out.result(static_cast<unsigned>(response.status));
    for (const auto& [name, value] : response.headers) {
        out.insert(name, value);
    }
    if (!response.content_type.empty()) {
        out.set(bhttp::field::content_type, response.content_type);
    }
    out.body() = std::move(response.body);
    const bool keep_alive =
        in.ok && in.keep_alive && !response.close_connection && !session->server.stopping;
    out.keep_alive(keep_alive);
    const bool bodiless = response.status < 200 || response.status == 204 || response.status == 304;
    if (bodiless) {
        out.body().clear();  // RFC 9110 §8.6: no Content-Length on 1xx, 204 (Beast would add 0)
    } else {
        out.prepare_payload();
    }
    if (in.head) {
        out.body().clear();  // Content-Length stays that of the GET answer (RFC 9110 §9.3.2)
    }
    session->stream.expires_after(session->server.options.write_timeout);
    auto [ec, written] = co_await bhttp::async_write(session->stream, out, kTuple);
    co_return !ec && keep_alive;
}

asio::awaitable<void> Close(std::shared_ptr<Session> session, bool linger) {
    beast::error_code ignored;
    session->stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    if (linger && !session->server.stopping) {
        session->idle = true;
        session->stream.expires_after(kLingerTimeout);
        std::array<char, kReadChunk> sink{};
        for (std::size_t total = 0; total < kLingerMaxBytes;) {
            auto [ec, n] = co_await session->stream.async_read_some(asio::buffer(sink), kTuple);
            if (ec) {
                break;
            }
            total += n;
        }
    }
    session->stream.close();
}

}  // namespace

asio::awaitable<void> RunSession(std::shared_ptr<Session> session) {
    Impl* server = &session->server;
    for (bool first = true; !server->stopping; first = false) {
        Incoming in = co_await ReadRequest(session, first);
        if (!in.ok && !in.rejection) {
            break;
        }
        Metrics* metrics = server->options.metrics;
        if (metrics != nullptr) {
            metrics->Start();
        }
        HttpResponse response;
        if (in.rejection) {
            if (!in.request.target.empty()) {
                SplitTarget(in.request.target, in.request.path, in.request.query);
            }
            in.request.client_address = in.request.peer_address;
            response = server->app.Reject(in.request, *in.rejection);
            in.request.request_id = std::string(response.headers.Find("X-Request-ID").value_or(""));
        } else {
            response = co_await Respond(server, &in.request);
        }
        // Counted before Write (which moves the body out; 401/429 are counted by `code`), so
        // that a scrape made after a client got its answer always includes it.
        if (metrics != nullptr) {
            const std::chrono::duration<double> handled = SteadyClock::now() - in.started;
            metrics->Finish(metrics->Classify(in.request, response), handled.count());
        }
        const bool keep_alive = co_await Write(session, in, response);
        const std::chrono::duration<double, std::milli> elapsed = SteadyClock::now() - in.started;
        LogAccess(in.request, response, elapsed.count());
        if (!keep_alive) {
            co_await Close(session, /*linger=*/true);
            co_return;
        }
    }
    co_await Close(session, /*linger=*/false);
}

asio::awaitable<void> Refuse(std::shared_ptr<Session> session) {
    Incoming in;
    in.request.peer_address = session->peer;
    in.request.client_address = session->peer;
    HttpResponse response = session->server.app.Reject(in.request, Rejection::kTooManyConnections);
    co_await Write(session, in, response);
    co_await Close(session, /*linger=*/true);
}

}  // namespace clockko::http
