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
using Signer = std::unique_ptr<auroraiam_signer, SignerDeleter>;
using Token = std::unique_ptr<char, TokenDeleter>;

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
    std::printf("test_cxx: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
