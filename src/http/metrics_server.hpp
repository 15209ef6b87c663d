#pragma once

#include <functional>
#include <memory>
#include <string>

namespace clockko::http {

/// The listener of METRICS_PORT: answers GET (and HEAD) /metrics with `render()` in the
/// Prometheus text format, 405 for another method there and 404 for every other path. It runs
/// on its own io_context and thread, so that a scrape (which may ask the database for the
/// outbox backlog) never waits behind public traffic, nor delays it; the public listener never
/// serves /metrics.
///
/// @par Thread safety: Start once from the owning thread; Stop from any thread; `render` runs
/// on the metrics thread and must be safe to call while the service runs.
class MetricsServer final {
public:
    MetricsServer(std::string host, unsigned short port, std::function<std::string()> render);
    /// Stops if still running.
    ~MetricsServer();
    MetricsServer(const MetricsServer&) = delete;
    MetricsServer& operator=(const MetricsServer&) = delete;
    MetricsServer(MetricsServer&&) = delete;
    MetricsServer& operator=(MetricsServer&&) = delete;

    /// Binds host:port and starts the thread. Throws std::runtime_error with one clear line
    /// ("cannot listen on 0.0.0.0:9100 (METRICS_PORT): Address already in use").
    void Start();

    /// Closes the listener and open scrapes, and joins the thread. Idempotent.
    void Stop();

    /// The bound port (useful with port 0). Valid after Start().
    [[nodiscard]] unsigned short BoundPort() const;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace clockko::http
