/*
 * A small JSON reader for the C tests: just enough to read tests/vectors/<kind>.json in place.
 * Strings are decoded to UTF-8 with an explicit length (they may contain NUL via \u0000).
 * Integers are kept exactly as int64_t; other numbers are flagged as non-integers.
 */
#ifndef AURORAIAM_TEST_JSON_H
#define AURORAIAM_TEST_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT } json_type;

typedef struct json_value json_value;

struct json_value {
    json_type type;
    bool boolean;        /* JSON_BOOL */
    bool is_integer;     /* JSON_NUMBER: true when it is an integer that fits int64_t */
    int64_t integer;     /* JSON_NUMBER with is_integer */
    char *string;        /* JSON_STRING: decoded bytes, NUL-terminated for convenience */
    size_t string_len;   /* JSON_STRING: length in bytes (may contain NUL) */
    json_value *items;   /* JSON_ARRAY items, JSON_OBJECT values */
    char **keys;         /* JSON_OBJECT keys (NUL-terminated; keys with NUL are rejected) */
    size_t count;        /* number of items / members */
};

/* Parses `len` bytes. Returns NULL on error with a message in `err`. Free with json_free(). */
json_value *json_parse(const char *text, size_t len, char *err, size_t err_len);

/* Reads and parses a whole file. Returns NULL on error with a message in `err`. */
json_value *json_parse_file(const char *path, char *err, size_t err_len);

/* Frees a value returned by json_parse() or json_parse_file(); NULL is a no-op. */
void json_free(json_value *value);

/* The member `key` of an object, or NULL when absent or `object` is not an object. */
const json_value *json_get(const json_value *object, const char *key);

#endif
