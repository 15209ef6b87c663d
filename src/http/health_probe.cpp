#include "http/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

namespace clockko::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

asio::awaitable<bool> Probe(
    std::string host, unsigned short port, std::chrono::milliseconds timeout
) {
    auto executor = co_await asio::this_coro::executor;
    tcp::resolver resolver(executor);
    auto [resolve_ec, endpoints] =
        co_await resolver.async_resolve(host, std::to_string(port), kTuple);
    if (resolve_ec) {
        co_return false;
    }
    beast::tcp_stream stream(executor);
    stream.expires_after(timeout);
    auto [connect_ec, endpoint] = co_await stream.async_connect(endpoints, kTuple);
    if (connect_ec) {
        co_return false;
    }
    bhttp::request<bhttp::empty_body> request{bhttp::verb::get, "/health", 11};
    request.set(bhttp::field::host, host);
    request.keep_alive(false);
    auto [write_ec, written] = co_await bhttp::async_write(stream, request, kTuple);
    if (write_ec) {
        co_return false;
    }
    beast::flat_buffer buffer;
    bhttp::response<bhttp::string_body> response;
    auto [read_ec, read] = co_await bhttp::async_read(stream, buffer, response, kTuple);
    co_return !read_ec && response.result() == bhttp::status::ok;
}

}  // namespace

bool ProbeHealth(const std::string& host, unsigned short port, std::chrono::milliseconds timeout) {
    // A wildcard bind address is not a destination; the server is reachable on loopback.
    std::string target = host;
    if (target.empty() || target == "0.0.0.0") {
        target = "127.0.0.1";
    } else if (target == "::" || target == "[::]") {
        target = "::1";
    }
    asio::io_context ioc;
    bool healthy = false;
    asio::co_spawn(
        ioc,
        Probe(target, port, timeout),
        [&healthy](const std::exception_ptr& failure, bool ok) { healthy = !failure && ok; }
    );
    // The stream's timeout bounds connect, write and read; run_for also bounds the resolve.
    ioc.run_for(timeout);
    return healthy;
}

}  // namespace clockko::http
