// Test helper for tests/deploy/make-env.test.mjs: reads a .env file with the server's own parser
// (config::ParseDotEnv) and prints what it read as JSON, so that the test can check that the
// values scripts/make-env.sh writes come back exactly, and that DATABASE_URL decodes to the
// password of the secret (config::ParseDatabaseUrl).
//
//   clockko_dotenv_dump FILE   ->  {"variables": {...}, "database": {...} | null}
// Exit 1 (problems on stderr) when the file does not parse.
#include "config/config.hpp"

#include <boost/json.hpp>

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: clockko_dotenv_dump FILE\n";
        return 2;
    }
    std::ifstream in(argv[1], std::ios::binary);
    if (!in) {
        std::cerr << "cannot open " << argv[1] << "\n";
        return 1;
    }
    std::ostringstream text;
    text << in.rdbuf();

    clockko::config::Variables variables;
    const std::vector<std::string> problems = clockko::config::ParseDotEnv(text.str(), variables);
    for (const std::string& problem : problems) {
        std::cerr << problem << "\n";
    }
    if (!problems.empty()) {
        return 1;
    }

    boost::json::object out;
    boost::json::object& values = out["variables"].emplace_object();
    for (const auto& [name, value] : variables) {
        values[name] = value;
    }
    out["database"] = nullptr;
    if (const auto url = variables.find("DATABASE_URL"); url != variables.end()) {
        std::string problem;
        const auto parsed = clockko::config::ParseDatabaseUrl(url->second, problem);
        if (!parsed) {
            std::cerr << "DATABASE_URL: " << problem << "\n";
            return 1;
        }
        out["database"] = {
            {"user", parsed->user},
            {"password", parsed->password},
            {"host", parsed->host},
            {"port", parsed->port},
            {"database", parsed->database},
        };
    }
    std::cout << boost::json::serialize(out) << "\n";
    return 0;
}
