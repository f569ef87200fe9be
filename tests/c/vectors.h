/* The shared conformance vectors (tests/vectors/<kind>.json), read in place with json.c. */
#ifndef AURORAIAM_TEST_VECTORS_H
#define AURORAIAM_TEST_VECTORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"

/* A string field: bytes + length (may contain NUL), or absent (JSON null). */
typedef struct {
    const char *ptr;
    size_t len;
    bool present;
} vec_str;

typedef struct {
    const char *file;
    const char *id;
    const char *kind; /* "rds", "dsql" or "dsql-admin" */
    vec_str hostname, username, region, access_key_id, secret_access_key, session_token;
    bool has_port;
    int64_t port;
    int64_t signing_time;
    int64_t expires_in;
    vec_str expected_token;    /* present for token cases */
    const char *expected_error; /* non-NULL for error cases */
} vec_case;

typedef struct {
    json_value **files;
    char **file_names;
    size_t file_count;
    vec_case *cases;
    size_t count;
} vec_set;

/* Loads every *.json in `dir` except package.json / package-lock.json, sorted by name.
 * Returns false with a message in `err`. */
bool vec_load(const char *dir, vec_set *out, char *err, size_t err_len);
void vec_free(vec_set *set);

/* True when a present string contains a NUL byte (not expressible as a C string). */
bool vec_str_has_nul(vec_str s);

/* The directory of the vectors: $AURORAIAM_VECTORS_DIR, else the compiled-in default. */
const char *vec_default_dir(void);

#endif
