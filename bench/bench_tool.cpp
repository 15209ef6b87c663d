// The helper of scripts/bench.sh (built by it against the Release libraries):
// - `bench_tool seed URL SECRET COUNT PASSWORD COST OUT_DIR`: users and tokens, straight into
//   the store;
// - `bench_tool bcrypt COST RUNS`: seconds per hash with our BcryptHasher;
// - `bench_tool startup PORT RUNS -- PROGRAM ARGS...`: exec → first 200 from /health, in ms.
// Seeding goes through the Store interface (not HTTP) because registering 10,000 users at cost 12
// would take 20 minutes of bcrypt: every user shares one hash of PASSWORD, made once.
#include "auth/password_hasher.hpp"
#include "auth/token_service.hpp"
#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <netinet/in.h>
#include <signal.h>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using namespace clockko;
using SteadyClock = std::chrono::steady_clock;

constexpr std::size_t kUsersPerTransaction = 500;

std::unique_ptr<store::Store> OpenStore(const std::string& url_text) {
    std::string problem;
    const auto url = config::ParseDatabaseUrl(url_text, problem);
    if (!url) {
        throw std::runtime_error("DATABASE_URL: " + problem);
    }
    if (url->kind == config::DatabaseKind::kSqlite) {
        return store::OpenSqliteStore({.path = url->sqlite_path});
    }
    return store::OpenPostgresStore({.url = *url, .pool_size = 2});
}

int Seed(const std::vector<std::string>& args) {
    if (args.size() != 6) {
        throw std::invalid_argument("seed URL SECRET COUNT PASSWORD COST OUT_DIR");
    }
    const std::size_t count = std::stoul(args[2]);
    auto store = OpenStore(args[0]);
    store->Migrate();
    auto random = core::MakeSystemRandom();
    const core::SystemClock clock;
    const std::string hash = auth::MakeBcryptHasher({.cost = std::stoi(args[4])})->Hash(args[3]);
    auto tokens = auth::MakeJwtTokenService(
        {.algorithm = "HS256", .secret_key = args[1], .lifetime = std::chrono::hours{24}}, *random
    );
    // Unique per run, so that seeding twice into one PostgreSQL database never collides.
    const std::string run = core::RandomHex(*random, 4);
    std::ofstream token_file(args[5] + "/tokens.txt");
    std::ofstream email_file(args[5] + "/emails.txt");
    for (std::size_t first = 0; first < count; first += kUsersPerTransaction) {
        std::vector<store::UserRecord> batch;
        for (std::size_t i = first; i < std::min(count, first + kUsersPerTransaction); ++i) {
            store::UserRecord user;
            user.id = core::RandomUuid(*random);
            user.email = "bench." + run + "." + std::to_string(i) + "@bench.test";
            user.username = "bench_" + run + "_" + std::to_string(i);
            user.hashed_password = hash;
            user.created_at = clock.Now();
            batch.push_back(std::move(user));
        }
        store->Transact([&batch](store::StoreTransaction& transaction) {
            for (const auto& user : batch) {
                if (transaction.InsertUser(user) != store::InsertUserOutcome::kInserted) {
                    throw std::runtime_error("seed: user " + user.email + " already exists");
                }
            }
        });
        for (const auto& user : batch) {
            token_file << tokens->Issue(user.id, 0, clock.Now()) << "\n";
            email_file << user.email << "\n";
        }
    }
    if (!token_file.flush() || !email_file.flush()) {
        throw std::runtime_error("seed: cannot write to " + args[5]);
    }
    return 0;
}

// The median time of one hash, each computed alone (the limit is cores ÷ this).
int TimeBcrypt(const std::vector<std::string>& args) {
    if (args.size() != 2) {
        throw std::invalid_argument("bcrypt COST RUNS");
    }
    auto hasher = auth::MakeBcryptHasher({.cost = std::stoi(args[0])});
    std::vector<double> seconds;
    for (int run = 0; run < std::stoi(args[1]); ++run) {
        const auto start = SteadyClock::now();
        const std::string hash = hasher->Hash("Benchmark-Password-1");
        seconds.push_back(std::chrono::duration<double>(SteadyClock::now() - start).count());
        if (hash.size() != 60) {
            throw std::runtime_error("bcrypt: unexpected hash");
        }
    }
    std::sort(seconds.begin(), seconds.end());
    std::printf("%.6f\n", seconds[seconds.size() / 2]);
    return 0;
}

// One GET /health on a fresh connection: true when the status line says 200.
bool HealthAnswers(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        return false;
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = false;
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
        constexpr std::string_view kRequest =
            "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
        char reply[64] = {};
        if (::send(fd, kRequest.data(), kRequest.size(), MSG_NOSIGNAL) ==
                static_cast<ssize_t>(kRequest.size()) &&
            ::recv(fd, reply, sizeof reply - 1, MSG_WAITALL) >= 12) {
            ok = std::strncmp(reply + 9, "200", 3) == 0;
        }
    }
    ::close(fd);
    return ok;
}

double StartOnce(int port, std::vector<char*>& argv) {
    const auto start = SteadyClock::now();
    const pid_t child = ::fork();
    if (child == 0) {
        // The server's log would interleave with our figures on stdout.
        const int null_fd = ::open("/dev/null", O_WRONLY);
        ::dup2(null_fd, STDOUT_FILENO);
        ::dup2(null_fd, STDERR_FILENO);
        ::execv(argv[0], argv.data());
        std::_Exit(127);
    }
    if (child < 0) {
        throw std::runtime_error("startup: fork failed");
    }
    double elapsed_ms = -1;
    while (SteadyClock::now() - start < std::chrono::seconds{10}) {
        if (HealthAnswers(port)) {
            elapsed_ms =
                std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
            break;
        }
        int status = 0;
        if (::waitpid(child, &status, WNOHANG) == child) {
            throw std::runtime_error("startup: the server exited before answering");
        }
        std::this_thread::sleep_for(std::chrono::microseconds{500});
    }
    ::kill(child, SIGTERM);
    int status = 0;
    ::waitpid(child, &status, 0);
    if (elapsed_ms < 0) {
        throw std::runtime_error("startup: no 200 from /health within 10 s");
    }
    return elapsed_ms;
}

// Prints the median and the worst of RUNS start-ups, in milliseconds.
int TimeStartup(std::vector<std::string> args) {
    if (args.size() < 4 || args[2] != "--") {
        throw std::invalid_argument("startup PORT RUNS -- PROGRAM ARGS...");
    }
    const int port = std::stoi(args[0]);
    const int runs = std::stoi(args[1]);
    std::vector<char*> argv;
    for (std::size_t i = 3; i < args.size(); ++i) {
        argv.push_back(args[i].data());
    }
    argv.push_back(nullptr);
    std::vector<double> times;
    for (int run = 0; run < runs; ++run) {
        times.push_back(StartOnce(port, argv));
    }
    std::sort(times.begin(), times.end());
    std::printf("%.1f %.1f\n", times[times.size() / 2], times.back());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> all(argv + 1, argv + argc);
    if (all.empty()) {
        std::cerr << "usage: bench_tool seed|bcrypt|startup ...\n";
        return 2;
    }
    const std::vector<std::string> args(all.begin() + 1, all.end());
    try {
        if (all[0] == "seed") {
            return Seed(args);
        }
        if (all[0] == "bcrypt") {
            return TimeBcrypt(args);
        }
        if (all[0] == "startup") {
            return TimeStartup(args);
        }
        std::cerr << "bench_tool: unknown command " << all[0] << "\n";
    } catch (const std::exception& error) {
        std::cerr << "bench_tool: " << error.what() << "\n";
    }
    return 1;
}
