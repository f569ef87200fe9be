// C++ translation unit using the header: it must compile with -Wall -Wextra -Wpedantic -Werror
// (extern "C" guard, enum with a fixed underlying type) and produce the same token as C.
#include "auroraiam.h"

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

namespace {

struct SignerDeleter {
    void operator()(auroraiam_signer *s) const noexcept { auroraiam_signer_free(s); }
};
struct TokenDeleter {
    void operator()(char *t) const noexcept { auroraiam_token_free(t); }
};
struct InfoDeleter {
    void operator()(auroraiam_token_info *i) const noexcept { auroraiam_token_info_free(i); }
};
struct BuilderDeleter {
    void operator()(auroraiam_token_provider_builder *b) const noexcept { auroraiam_token_provider_builder_free(b); }
};
struct ProviderDeleter {
    void operator()(auroraiam_token_provider *p) const noexcept { auroraiam_token_provider_free(p); }
};
using Signer = std::unique_ptr<auroraiam_signer, SignerDeleter>;
using Token = std::unique_ptr<char, TokenDeleter>;
using Info = std::unique_ptr<auroraiam_token_info, InfoDeleter>;
using Builder = std::unique_ptr<auroraiam_token_provider_builder, BuilderDeleter>;
using Provider = std::unique_ptr<auroraiam_token_provider, ProviderDeleter>;

// A credentials callback and a secret lookup written in C++ (they must not throw).
int credentials(void *, auroraiam_credentials_sink *sink) noexcept {
    return static_cast<int>(auroraiam_credentials_sink_set(sink, "AKIAIOSFODNN7EXAMPLE",
                                                           "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", nullptr, nullptr));
}
int lookup(void *, const char *, size_t, char *buf, size_t buf_len, size_t *len) noexcept {
    const std::string secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    if (secret.size() > buf_len) return -1;
    std::memcpy(buf, secret.data(), secret.size());
    *len = secret.size();
    return AURORAIAM_SECRET_FOUND;
}

int passed = 0, failed = 0;

void check(bool ok, const char *what) {
    if (ok) {
        ++passed;
    } else {
        ++failed;
        std::fprintf(stderr, "FAIL %s\n", what);
    }
}

}  // namespace

int main() {
    static_assert(AURORAIAM_RESULT_OK == 0, "OK is 0");
    static_assert(AURORAIAM_VERSION_NUMBER ==
                      ((AURORAIAM_VERSION_MAJOR << 16) | (AURORAIAM_VERSION_MINOR << 8) | AURORAIAM_VERSION_PATCH),
                  "packed version");
    auroraiam_signer *raw = nullptr;
    auroraiam_result rc = auroraiam_signer_new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                                               nullptr, &raw);
    check(rc == AURORAIAM_RESULT_OK, "signer");
    Signer signer(raw);
    char *token_raw = nullptr;
    rc = auroraiam_signer_rds_token(signer.get(), "mydb.cluster-c9akciq32.us-east-1.rds.amazonaws.com", 5432,
                                    "iam_user", nullptr, AURORAIAM_DEFAULT_EXPIRES_IN, 1478540373, &token_raw);
    Token token(token_raw);
    check(rc == AURORAIAM_RESULT_OK, "token");
    check(token && std::string(token.get()).find("X-Amz-Signature=2df3d4ae98b4034dbac0d02277f978e3e505a22cf1d6996a937"
                                                 "cc207be1aed14") != std::string::npos,
          "rds-0001 signature");
    rc = auroraiam_signer_rds_token(signer.get(), "", 5432, "u", nullptr, 900, 0, &token_raw);
    check(rc == AURORAIAM_RESULT_INVALID_HOSTNAME, "empty hostname status");
    check(std::strcmp(auroraiam_result_name(rc), "INVALID_HOSTNAME") == 0, "name");
    std::string message(auroraiam_last_error_message(nullptr, 0) + 1, '\0');
    auroraiam_last_error_message(&message[0], message.size());
    check(message.find("hostname") != std::string::npos, "detail message");
    check(std::strcmp(auroraiam_version(), AURORAIAM_VERSION_STRING) == 0, "version");

    // Inspection and verification of the token.
    auroraiam_token_info *info_raw = nullptr;
    rc = auroraiam_token_parse(token.get(), &info_raw);
    Info info(info_raw);
    check(rc == AURORAIAM_RESULT_OK && auroraiam_token_info_kind(info.get()) == AURORAIAM_TOKEN_KIND_RDS &&
              auroraiam_token_info_port(info.get()) == 5432,
          "parse");
    auroraiam_verify_options *options = nullptr;
    auroraiam_verify_options_new(&options);
    auroraiam_verify_options_set_now(options, 1478540373);
    rc = auroraiam_token_verify_with_lookup(token.get(), lookup, nullptr, options, nullptr);
    check(rc == AURORAIAM_RESULT_OK, "verify with a C++ lookup");
    auroraiam_verify_options_free(options);

    // A provider over a C++ callback gives the same token.
    auroraiam_token_provider_builder *builder_raw = nullptr;
    auroraiam_token_provider_builder_new_rds("mydb.cluster-c9akciq32.us-east-1.rds.amazonaws.com", 5432, "iam_user",
                                             &builder_raw);
    Builder builder(builder_raw);
    auroraiam_token_provider_builder_use_credentials_callback(builder.get(), credentials, nullptr);
    auroraiam_token_provider *provider_raw = nullptr;
    rc = auroraiam_token_provider_builder_build(builder.get(), &provider_raw);
    Provider provider(provider_raw);
    char *provided_raw = nullptr;
    int64_t expires_at = 0;
    if (rc == AURORAIAM_RESULT_OK) {
        rc = auroraiam_token_provider_token_at(provider.get(), 1478540373, &provided_raw, nullptr, &expires_at);
    }
    Token provided(provided_raw);
    check(rc == AURORAIAM_RESULT_OK && provided && std::strcmp(provided.get(), token.get()) == 0 &&
              expires_at == 1478540373 + 900,
          "provider token");
    std::printf("test_cxx: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
