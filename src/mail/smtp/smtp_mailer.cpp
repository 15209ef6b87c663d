#include "mail/smtp/smtp_mailer.hpp"

#include "mail/mime_builder.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <cctype>
#include <cstring>
#include <memory>
#include <mutex>
#include <netinet/in.h>
#include <stdexcept>
#include <string>
#include <utility>

namespace clockko::mail {
namespace {

struct EasyDeleter {
    void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};

struct ListDeleter {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;
using List = std::unique_ptr<curl_slist, ListDeleter>;

// Random bytes for the Message-ID: 16 give 128 bits, so two messages never share one.
constexpr std::size_t kUniqueBytes = 16;

void InitialiseCurlOnce() {
    static std::once_flag once;
    static CURLcode result = CURLE_OK;
    std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
    if (result != CURLE_OK) {
        throw std::runtime_error(
            std::string("curl_global_init failed: ") + curl_easy_strerror(result)
        );
    }
}

// libcurl pulls the message through this callback.
struct Payload {
    std::string_view data;
    std::size_t offset = 0;
};

std::size_t ReadPayload(char* buffer, std::size_t size, std::size_t count, void* user) {
    auto* payload = static_cast<Payload*>(user);
    const std::size_t chunk = std::min(size * count, payload->data.size() - payload->offset);
    std::memcpy(buffer, payload->data.data() + payload->offset, chunk);
    payload->offset += chunk;
    return chunk;
}

// Reply codes that concern the server or our account (authentication, TLS required), not this
// message: the same will happen to every message until the configuration is fixed.
bool IsAccountWideReply(long code) {
    return code == 530 || code == 534 || code == 535 || code == 538;
}

SendOutcome Classify(CURLcode result, long reply, const char* detail) {
    if (result == CURLE_OK) {
        return SendOutcome::Delivered();
    }
    std::string reason = std::string("smtp: ") + curl_easy_strerror(result);
    if (reply != 0) {
        reason += " (reply " + std::to_string(reply) + ")";
    }
    if (detail[0] != '\0') {
        reason += ": ";
        reason += detail;
    }
    const bool account_wide =
        result == CURLE_LOGIN_DENIED || result == CURLE_USE_SSL_FAILED || IsAccountWideReply(reply);
    if (reply >= 500 && reply < 600 && !account_wide) {
        return SendOutcome::Permanent(std::move(reason));
    }
    return SendOutcome::Temporary(std::move(reason));
}

std::string BuildUrl(const SmtpSettings& settings) {
    const bool implicit_tls = settings.tls == config::SmtpTls::kImplicitTls;
    std::string host = settings.host;
    if (host.find(':') != std::string::npos && host.front() != '[') {
        host = "[" + host + "]";
    }
    // The path is the EHLO domain: the sender's domain names us better than "localhost".
    const std::string domain = settings.from.substr(settings.from.find('@') + 1);
    return std::string(implicit_tls ? "smtps://" : "smtp://") + host + ":" +
           std::to_string(settings.port) + "/" + domain;
}

// Applies options in order and stops at the first that fails.
class Options {
public:
    explicit Options(CURL* handle) : handle_(handle) {}

    template <class T>
    Options& Set(CURLoption option, T value) {
        if (result_ == CURLE_OK) {
            result_ = curl_easy_setopt(handle_, option, value);
        }
        return *this;
    }

    [[nodiscard]] CURLcode Result() const { return result_; }

private:
    CURL* handle_;
    CURLcode result_ = CURLE_OK;
};

}  // namespace

bool IsLoopbackHost(std::string_view host) {
    if (host == "localhost" || host == "localhost.") {
        return true;
    }
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    const std::string text(host);
    in_addr v4{};
    if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
        return (ntohl(v4.s_addr) >> 24U) == 127U;
    }
    in6_addr v6{};
    if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
        return IN6_IS_ADDR_LOOPBACK(&v6) != 0;
    }
    return false;
}

std::vector<std::string> ValidateSmtpSettings(const SmtpSettings& settings) {
    std::vector<std::string> problems;
    const bool host_ok = !settings.host.empty() &&
                         std::all_of(settings.host.begin(), settings.host.end(), [](char c) {
                             return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
                                    std::string_view(".-:[]").find(c) != std::string_view::npos;
                         });
    if (!host_ok) {
        problems.emplace_back("SMTP_HOST must be a host name or an IP address");
    }
    if (settings.port < 1 || settings.port > 65535) {
        problems.emplace_back("SMTP_PORT must be between 1 and 65535");
    }
    if (!IsPlainAddress(settings.from)) {
        problems.emplace_back("SMTP_FROM must be a plain address such as noreply@example.com");
    }
    if (settings.from_name.find_first_of("\r\n") != std::string::npos) {
        problems.emplace_back("SMTP_FROM_NAME must not contain line breaks");
    }
    if (settings.user.empty() != settings.password.empty()) {
        problems.emplace_back("SMTP_USER and SMTP_PASSWORD must be set together");
    }
    if (settings.connect_timeout.count() <= 0 || settings.transfer_timeout.count() <= 0) {
        problems.emplace_back("SMTP timeouts must be positive");
    }
    return problems;
}

SmtpMailer::SmtpMailer(SmtpSettings settings, core::Clock& clock, core::Random& random)
    : settings_(std::move(settings)), clock_(clock), random_(random) {
    if (const auto problems = ValidateSmtpSettings(settings_); !problems.empty()) {
        throw std::invalid_argument(problems.front());
    }
    InitialiseCurlOnce();
    url_ = BuildUrl(settings_);
}

SendOutcome SmtpMailer::Send(const MailMessage& message) {
    const MimeOptions mime_options{
        .from_address = settings_.from,
        .from_name = settings_.from_name,
        .date = clock_.Now(),
        .unique = core::RandomHex(random_, kUniqueBytes),
    };
    auto mime = BuildMimeMessage(message, mime_options);
    if (!mime) {
        return SendOutcome::Permanent(mime.error().log);
    }
    const EasyHandle handle(curl_easy_init());
    if (!handle) {
        return SendOutcome::Temporary("smtp: curl_easy_init failed");
    }
    List recipients(curl_slist_append(nullptr, ("<" + message.recipient + ">").c_str()));
    if (!recipients) {
        return SendOutcome::Temporary("smtp: out of memory");
    }
    const std::string sender = "<" + settings_.from + ">";
    Payload payload{.data = *mime};
    std::array<char, CURL_ERROR_SIZE> detail{};
    const bool tls = settings_.tls != config::SmtpTls::kOff;
    Options options(handle.get());
    options.Set(CURLOPT_ERRORBUFFER, detail.data())
        .Set(CURLOPT_URL, url_.c_str())
        .Set(CURLOPT_PROTOCOLS_STR, "smtp,smtps")
        .Set(CURLOPT_NOSIGNAL, 1L)
        .Set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(settings_.connect_timeout.count()))
        .Set(CURLOPT_TIMEOUT_MS, static_cast<long>(settings_.transfer_timeout.count()))
        .Set(CURLOPT_USE_SSL, static_cast<long>(tls ? CURLUSESSL_ALL : CURLUSESSL_NONE))
        .Set(CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2))
        .Set(CURLOPT_SSL_VERIFYPEER, 1L)
        .Set(CURLOPT_SSL_VERIFYHOST, 2L)
        .Set(CURLOPT_MAIL_FROM, sender.c_str())
        .Set(CURLOPT_MAIL_RCPT, recipients.get())
        .Set(CURLOPT_UPLOAD, 1L)
        .Set(CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(mime->size()))
        .Set(CURLOPT_READFUNCTION, &ReadPayload)
        .Set(CURLOPT_READDATA, &payload);
    if (!settings_.user.empty()) {
        options.Set(CURLOPT_USERNAME, settings_.user.c_str())
            .Set(CURLOPT_PASSWORD, settings_.password.c_str());
    }
    if (options.Result() != CURLE_OK) {
        return SendOutcome::Temporary(
            std::string("smtp: option refused: ") + curl_easy_strerror(options.Result())
        );
    }
    const CURLcode result = curl_easy_perform(handle.get());
    long reply = 0;
    if (curl_easy_getinfo(handle.get(), CURLINFO_RESPONSE_CODE, &reply) != CURLE_OK) {
        reply = 0;
    }
    return Classify(result, reply, detail.data());
}

}  // namespace clockko::mail
