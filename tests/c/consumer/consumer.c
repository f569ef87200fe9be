/* An out-of-tree program built against an installed libauroraiam (pkg-config or CMake). */
#include <auroraiam.h>
#include <stdio.h>
#include <string.h>

int main(void) {
    auroraiam_signer *signer = NULL;
    char *token = NULL;
    auroraiam_result rc = auroraiam_signer_new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", NULL,
                                               &signer);
    if (rc == AURORAIAM_RESULT_OK) {
        rc = auroraiam_signer_rds_token(signer, "mydb.cluster-c9akciq32.us-east-1.rds.amazonaws.com", 5432, "iam_user",
                                        NULL, 900, 1478540373, &token);
    }
    /* rds-0001 of the shared vectors. */
    const char *want = "X-Amz-Signature=2df3d4ae98b4034dbac0d02277f978e3e505a22cf1d6996a937cc207be1aed14";
    int ok = rc == AURORAIAM_RESULT_OK && strstr(token, want) != NULL &&
             strcmp(auroraiam_version(), AURORAIAM_VERSION_STRING) == 0;
    printf("consumer: %s (libauroraiam %s, status %s)\n", ok ? "OK" : "FAILED", auroraiam_version(),
           auroraiam_result_name(rc));
    auroraiam_token_free(token);
    auroraiam_signer_free(signer);
    return ok ? 0 : 1;
}
