#include "http/metrics_server.hpp"

#include "core/log.hpp"
#include "http/request.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

namespace clockko::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
// A scraper sends one short GET: anything larger or slower is not one.
constexpr std::uint32_t kHeaderLimit = 8192;
constexpr std::uint64_t kBodyLimit = 1024;
constexpr std::chrono::seconds kReadTimeout{10};
constexpr std::chrono::seconds kWriteTimeout{30};
constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

bhttp::response<bhttp::string_body> Answer(
    const bhttp::request<bhttp::string_body>& request, const std::function<std::string()>& render
) {
    std::string path;
    std::string query;
    SplitTarget(std::string(request.target()), path, query);
    bhttp::response<bhttp::string_body> response;
    response.version(request.version());
    response.keep_alive(request.keep_alive());
    const bool read = request.method() == bhttp::verb::get || request.method() == bhttp::verb::head;
    if (path != "/metrics") {
        response.result(bhttp::status::not_found);
        response.set(bhttp::field::content_type, "text/plain; charset=utf-8");
        response.body() = "Not Found\n";
    } else if (!read) {
        response.result(bhttp::status::method_not_allowed);
        response.set(bhttp::field::allow, "GET, HEAD");
    } else {
        response.result(bhttp::status::ok);
        response.set(bhttp::field::content_type, kContentType);
        response.set(bhttp::field::cache_control, "no-store");
        try {
            response.body() = render();
        } catch (const std::exception& error) {
            core::LogError("metrics rendering failed", {{"error", error.what()}});
            response.result(bhttp::status::internal_server_error);
            response.body().clear();
        }
    }
    response.prepare_payload();
    if (request.method() == bhttp::verb::head) {
        response.body().clear();  // Content-Length stays that of the GET answer
    }
    return response;
}

asio::awaitable<void> Serve(tcp::socket socket, const std::function<std::string()>* render) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (;;) {
        bhttp::request_parser<bhttp::string_body> parser;
        parser.header_limit(kHeaderLimit);
        parser.body_limit(kBodyLimit);
        stream.expires_after(kReadTimeout);
        auto [read_error, read] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
        if (read_error) {
            break;  // closed, timed out or not HTTP: nothing to answer
        }
        auto response = Answer(parser.get(), *render);
        stream.expires_after(kWriteTimeout);
        auto [write_error, written] = co_await bhttp::async_write(stream, response, kTuple);
        if (write_error || !response.keep_alive()) {
            break;
        }
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

}  // namespace

struct MetricsServer::Impl {
    Impl(
        std::string listen_host, unsigned short listen_port, std::function<std::string()> render_fn
    )
        : host(std::move(listen_host)), port(listen_port), render(std::move(render_fn)) {}

    asio::awaitable<void> Accept() {
        for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(kTuple);
            if (ec == asio::error::operation_aborted) {
                co_return;
            }
            if (ec) {
                core::LogWarning("metrics accept failed", {{"error", ec.message()}});
                continue;
            }
            asio::co_spawn(ioc, Serve(std::move(socket), &render), asio::detached);
        }
    }

    std::string host;
    unsigned short port;
    std::function<std::string()> render;
    asio::io_context ioc{1};
    tcp::acceptor acceptor{ioc};
    std::atomic<unsigned short> bound_port{0};
    std::thread thread;
};

MetricsServer::MetricsServer(
    std::string host, unsigned short port, std::function<std::string()> render
)
    : impl_(std::make_unique<Impl>(std::move(host), port, std::move(render))) {}

MetricsServer::~MetricsServer() {
    Stop();
}

void MetricsServer::Start() {
    Impl& server = *impl_;
    const std::string where = server.host + ":" + std::to_string(server.port) + " (METRICS_PORT)";
    beast::error_code ec;
    tcp::resolver resolver(server.ioc);
    const auto results =
        resolver.resolve(server.host, std::to_string(server.port), tcp::resolver::passive, ec);
    if (ec || results.empty()) {
        throw std::runtime_error("cannot resolve " + where + ": " + ec.message());
    }
    const tcp::endpoint endpoint = results.begin()->endpoint();
    server.acceptor.open(endpoint.protocol(), ec);
    if (!ec) {
        server.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    }
    if (!ec) {
        server.acceptor.bind(endpoint, ec);
    }
    if (!ec) {
        server.acceptor.listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
        throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
    }
    server.bound_port = server.acceptor.local_endpoint().port();
    asio::co_spawn(server.ioc, server.Accept(), [](const std::exception_ptr& failure) {
        if (failure) {
            try {
                std::rethrow_exception(failure);
            } catch (const std::exception& error) {
                core::LogError("metrics listener failed", {{"error", error.what()}});
            }
        }
    });
    server.thread = std::thread([&server] { server.ioc.run(); });
}

void MetricsServer::Stop() {
    Impl& server = *impl_;
    if (!server.thread.joinable()) {
        return;
    }
    // Stopping the context abandons open scrapes; their frames go with the io_context.
    server.ioc.stop();
    server.thread.join();
}

unsigned short MetricsServer::BoundPort() const {
    return impl_->bound_port;
}

}  // namespace clockko::http
