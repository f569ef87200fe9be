#define _POSIX_C_SOURCE 200809L
#include "vectors.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef AURORAIAM_VECTORS_DIR
#define AURORAIAM_VECTORS_DIR "tests/vectors"
#endif

const char *vec_default_dir(void) {
    const char *env = getenv("AURORAIAM_VECTORS_DIR");
    return env && *env ? env : AURORAIAM_VECTORS_DIR;
}

bool vec_str_has_nul(vec_str s) {
    return s.present && memchr(s.ptr, '\0', s.len) != NULL;
}

static int compare_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool get_str(const json_value *c, const char *key, bool nullable, vec_str *out, char *err, size_t err_len) {
    const json_value *v = json_get(c, key);
    if (v && v->type == JSON_STRING) {
        out->ptr = v->string;
        out->len = v->string_len;
        out->present = true;
        return true;
    }
    if (nullable && (!v || v->type == JSON_NULL)) {
        out->ptr = NULL;
        out->len = 0;
        out->present = false;
        return true;
    }
    snprintf(err, err_len, "field %s is missing or not a string", key);
    return false;
}

static bool get_int(const json_value *c, const char *key, int64_t *out, char *err, size_t err_len) {
    const json_value *v = json_get(c, key);
    if (!v || v->type != JSON_NUMBER || !v->is_integer) {
        snprintf(err, err_len, "field %s is missing or not an integer", key);
        return false;
    }
    *out = v->integer;
    return true;
}

static bool read_case(const char *file, const json_value *c, vec_case *out, char *err, size_t err_len) {
    vec_str id, kind, error;
    memset(out, 0, sizeof *out);
    out->file = file;
    if (!get_str(c, "id", false, &id, err, err_len) || !get_str(c, "kind", false, &kind, err, err_len)) return false;
    out->id = id.ptr;
    out->kind = kind.ptr;
    if (!get_str(c, "hostname", false, &out->hostname, err, err_len) ||
        !get_str(c, "username", true, &out->username, err, err_len) ||
        !get_str(c, "region", true, &out->region, err, err_len) ||
        !get_str(c, "access_key_id", false, &out->access_key_id, err, err_len) ||
        !get_str(c, "secret_access_key", false, &out->secret_access_key, err, err_len) ||
        !get_str(c, "session_token", true, &out->session_token, err, err_len) ||
        !get_int(c, "signing_time", &out->signing_time, err, err_len) ||
        !get_int(c, "expires_in", &out->expires_in, err, err_len) ||
        !get_str(c, "expected_token", true, &out->expected_token, err, err_len) ||
        !get_str(c, "expected_error", true, &error, err, err_len)) {
        return false;
    }
    out->expected_error = error.present ? error.ptr : NULL;
    const json_value *port = json_get(c, "port");
    if (port && port->type == JSON_NUMBER) {
        if (!port->is_integer) {
            snprintf(err, err_len, "port is not an integer");
            return false;
        }
        out->has_port = true;
        out->port = port->integer;
    }
    if (out->expected_token.present == (out->expected_error != NULL)) {
        snprintf(err, err_len, "exactly one of expected_token / expected_error must be set");
        return false;
    }
    if (strcmp(out->kind, "rds") == 0 && (!out->has_port || !out->username.present)) {
        snprintf(err, err_len, "rds case without port or username");
        return false;
    }
    return true;
}

bool vec_load(const char *dir, vec_set *out, char *err, size_t err_len) {
    memset(out, 0, sizeof *out);
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, err_len, "cannot open vectors directory %s", dir);
        return false;
    }
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 6 || strcmp(e->d_name + n - 5, ".json") != 0) continue;
        if (strcmp(e->d_name, "package.json") == 0 || strcmp(e->d_name, "package-lock.json") == 0) continue;
        if (out->file_count == cap) {
            cap = cap ? cap * 2 : 8;
            char **names = realloc(out->file_names, cap * sizeof *names);
            if (!names) break;
            out->file_names = names;
        }
        out->file_names[out->file_count++] = strdup(e->d_name);
    }
    closedir(d);
    if (out->file_count == 0) {
        snprintf(err, err_len, "no vector files in %s", dir);
        return false;
    }
    qsort(out->file_names, out->file_count, sizeof *out->file_names, compare_names);
    out->files = calloc(out->file_count, sizeof *out->files);
    size_t total = 0;
    for (size_t i = 0; i < out->file_count; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, out->file_names[i]);
        out->files[i] = json_parse_file(path, err, err_len);
        if (!out->files[i]) return false;
        const json_value *cases = json_get(out->files[i], "cases");
        const json_value *format = json_get(out->files[i], "format");
        if (!cases || cases->type != JSON_ARRAY || !format || !format->is_integer || format->integer != 1) {
            snprintf(err, err_len, "%s: not a format-1 vector file with a cases array", path);
            return false;
        }
        total += cases->count;
    }
    out->cases = calloc(total ? total : 1, sizeof *out->cases);
    for (size_t i = 0; i < out->file_count; i++) {
        const json_value *cases = json_get(out->files[i], "cases");
        for (size_t j = 0; j < cases->count; j++) {
            char case_err[256] = "";
            if (!read_case(out->file_names[i], &cases->items[j], &out->cases[out->count], case_err, sizeof case_err)) {
                snprintf(err, err_len, "%s case %zu: %s", out->file_names[i], j, case_err);
                return false;
            }
            out->count++;
        }
    }
    return true;
}

void vec_free(vec_set *set) {
    for (size_t i = 0; i < set->file_count; i++) {
        if (set->files) json_free(set->files[i]);
        free(set->file_names[i]);
    }
    free(set->files);
    free(set->file_names);
    free(set->cases);
    memset(set, 0, sizeof *set);
}
