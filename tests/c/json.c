/* A small, strict JSON reader (RFC 8259) for the C tests. See json.h. */
#include "json.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *p;
    const char *end;
    char *err;
    size_t err_len;
    int depth;
} parser;

static bool fail(parser *ps, const char *fmt, ...) {
    if (ps->err && ps->err_len > 0 && ps->err[0] == '\0') {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(ps->err, ps->err_len, fmt, ap);
        va_end(ap);
    }
    return false;
}

static void skip_ws(parser *ps) {
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')) {
        ps->p++;
    }
}

static bool parse_value(parser *ps, json_value *out);

/* Growable byte buffer for decoded strings. */
typedef struct {
    char *data;
    size_t len;
    size_t cap;
} buffer;

static bool buf_push(buffer *b, const char *bytes, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 32;
        while (b->len + n + 1 > cap) {
            cap *= 2;
        }
        char *data = realloc(b->data, cap);
        if (!data) {
            return false;
        }
        b->data = data;
        b->cap = cap;
    }
    memcpy(b->data + b->len, bytes, n);
    b->len += n;
    b->data[b->len] = '\0';
    return true;
}

static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static bool read_hex4(parser *ps, uint32_t *out) {
    if (ps->end - ps->p < 4) {
        return fail(ps, "truncated \\u escape");
    }
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        int d = hex_digit(ps->p[i]);
        if (d < 0) {
            return fail(ps, "bad hex digit in \\u escape");
        }
        v = (v << 4) | (uint32_t)d;
    }
    ps->p += 4;
    *out = v;
    return true;
}

static size_t utf8_encode(uint32_t cp, char out[4]) {
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static bool parse_string(parser *ps, char **out, size_t *out_len) {
    buffer b = {NULL, 0, 0};
    if (!buf_push(&b, "", 0)) {
        return fail(ps, "out of memory");
    }
    ps->p++; /* opening quote */
    for (;;) {
        if (ps->p >= ps->end) {
            free(b.data);
            return fail(ps, "unterminated string");
        }
        unsigned char c = (unsigned char)*ps->p;
        if (c == '"') {
            ps->p++;
            break;
        }
        if (c < 0x20) {
            free(b.data);
            return fail(ps, "raw control character in string");
        }
        if (c != '\\') {
            const char *start = ps->p;
            while (ps->p < ps->end && *ps->p != '"' && *ps->p != '\\' && (unsigned char)*ps->p >= 0x20) {
                ps->p++;
            }
            if (!buf_push(&b, start, (size_t)(ps->p - start))) {
                free(b.data);
                return fail(ps, "out of memory");
            }
            continue;
        }
        ps->p++;
        if (ps->p >= ps->end) {
            free(b.data);
            return fail(ps, "truncated escape");
        }
        char e = *ps->p++;
        char enc[4];
        size_t n = 1;
        switch (e) {
        case '"': enc[0] = '"'; break;
        case '\\': enc[0] = '\\'; break;
        case '/': enc[0] = '/'; break;
        case 'b': enc[0] = '\b'; break;
        case 'f': enc[0] = '\f'; break;
        case 'n': enc[0] = '\n'; break;
        case 'r': enc[0] = '\r'; break;
        case 't': enc[0] = '\t'; break;
        case 'u': {
            uint32_t cp;
            if (!read_hex4(ps, &cp)) {
                free(b.data);
                return false;
            }
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                uint32_t low;
                if (ps->end - ps->p < 2 || ps->p[0] != '\\' || ps->p[1] != 'u') {
                    free(b.data);
                    return fail(ps, "lone high surrogate");
                }
                ps->p += 2;
                if (!read_hex4(ps, &low)) {
                    free(b.data);
                    return false;
                }
                if (low < 0xDC00 || low > 0xDFFF) {
                    free(b.data);
                    return fail(ps, "bad low surrogate");
                }
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                free(b.data);
                return fail(ps, "lone low surrogate");
            }
            n = utf8_encode(cp, enc);
            break;
        }
        default:
            free(b.data);
            return fail(ps, "bad escape \\%c", e);
        }
        if (!buf_push(&b, enc, n)) {
            free(b.data);
            return fail(ps, "out of memory");
        }
    }
    *out = b.data;
    *out_len = b.len;
    return true;
}

static bool parse_number(parser *ps, json_value *out) {
    const char *start = ps->p;
    bool negative = false;
    if (ps->p < ps->end && *ps->p == '-') {
        negative = true;
        ps->p++;
    }
    if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9') {
        return fail(ps, "bad number");
    }
    if (*ps->p == '0' && ps->p + 1 < ps->end && ps->p[1] >= '0' && ps->p[1] <= '9') {
        return fail(ps, "leading zero in number");
    }
    uint64_t magnitude = 0;
    bool overflow = false;
    while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') {
        unsigned d = (unsigned)(*ps->p - '0');
        if (magnitude > (UINT64_MAX - d) / 10) {
            overflow = true;
        } else {
            magnitude = magnitude * 10 + d;
        }
        ps->p++;
    }
    bool integer = true;
    if (ps->p < ps->end && *ps->p == '.') {
        integer = false;
        ps->p++;
        if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9') {
            return fail(ps, "bad fraction");
        }
        while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') ps->p++;
    }
    if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
        integer = false;
        ps->p++;
        if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-')) ps->p++;
        if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9') {
            return fail(ps, "bad exponent");
        }
        while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') ps->p++;
    }
    out->type = JSON_NUMBER;
    (void)start;
    if (integer && !overflow) {
        if (!negative && magnitude <= (uint64_t)INT64_MAX) {
            out->is_integer = true;
            out->integer = (int64_t)magnitude;
        } else if (negative && magnitude <= (uint64_t)INT64_MAX + 1) {
            out->is_integer = true;
            out->integer = magnitude == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)magnitude;
        }
    }
    return true;
}

static bool expect_literal(parser *ps, const char *word) {
    size_t n = strlen(word);
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0) {
        return fail(ps, "unexpected token");
    }
    ps->p += n;
    return true;
}

static bool parse_array(parser *ps, json_value *out) {
    size_t cap = 0;
    out->type = JSON_ARRAY;
    ps->p++;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == ']') {
        ps->p++;
        return true;
    }
    for (;;) {
        if (out->count == cap) {
            cap = cap ? cap * 2 : 8;
            json_value *items = realloc(out->items, cap * sizeof *items);
            if (!items) return fail(ps, "out of memory");
            out->items = items;
        }
        json_value *item = &out->items[out->count];
        memset(item, 0, sizeof *item);
        out->count++;
        if (!parse_value(ps, item)) return false;
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == ']') {
            ps->p++;
            return true;
        }
        return fail(ps, "expected , or ] in array");
    }
}

static bool parse_object(parser *ps, json_value *out) {
    size_t cap = 0;
    out->type = JSON_OBJECT;
    ps->p++;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == '}') {
        ps->p++;
        return true;
    }
    for (;;) {
        skip_ws(ps);
        if (ps->p >= ps->end || *ps->p != '"') return fail(ps, "expected a key");
        if (out->count == cap) {
            cap = cap ? cap * 2 : 8;
            json_value *items = realloc(out->items, cap * sizeof *items);
            if (!items) return fail(ps, "out of memory");
            out->items = items;
            char **keys = realloc(out->keys, cap * sizeof *keys);
            if (!keys) return fail(ps, "out of memory");
            out->keys = keys;
        }
        json_value *item = &out->items[out->count];
        memset(item, 0, sizeof *item);
        out->keys[out->count] = NULL;
        out->count++;
        size_t key_len;
        if (!parse_string(ps, &out->keys[out->count - 1], &key_len)) return false;
        if (strlen(out->keys[out->count - 1]) != key_len) return fail(ps, "NUL in a key");
        skip_ws(ps);
        if (ps->p >= ps->end || *ps->p != ':') return fail(ps, "expected :");
        ps->p++;
        if (!parse_value(ps, item)) return false;
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == '}') {
            ps->p++;
            return true;
        }
        return fail(ps, "expected , or } in object");
    }
}

static bool parse_value(parser *ps, json_value *out) {
    skip_ws(ps);
    if (ps->p >= ps->end) return fail(ps, "unexpected end of input");
    if (++ps->depth > 64) return fail(ps, "nested too deeply");
    bool ok;
    switch (*ps->p) {
    case '{': ok = parse_object(ps, out); break;
    case '[': ok = parse_array(ps, out); break;
    case '"':
        out->type = JSON_STRING;
        ok = parse_string(ps, &out->string, &out->string_len);
        break;
    case 't': out->type = JSON_BOOL; out->boolean = true; ok = expect_literal(ps, "true"); break;
    case 'f': out->type = JSON_BOOL; out->boolean = false; ok = expect_literal(ps, "false"); break;
    case 'n': out->type = JSON_NULL; ok = expect_literal(ps, "null"); break;
    default: ok = parse_number(ps, out); break;
    }
    ps->depth--;
    return ok;
}

static void free_members(json_value *v) {
    free(v->string);
    for (size_t i = 0; i < v->count; i++) {
        free_members(&v->items[i]);
        if (v->keys) free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
}

void json_free(json_value *value) {
    if (value) {
        free_members(value);
        free(value);
    }
}

json_value *json_parse(const char *text, size_t len, char *err, size_t err_len) {
    parser ps = {text, text + len, err, err_len, 0};
    if (err && err_len) err[0] = '\0';
    json_value *root = calloc(1, sizeof *root);
    if (!root) return NULL;
    bool ok = parse_value(&ps, root);
    if (ok) {
        skip_ws(&ps);
        if (ps.p != ps.end) ok = fail(&ps, "trailing data");
    }
    if (!ok) {
        json_free(root);
        return NULL;
    }
    return root;
}

json_value *json_parse_file(const char *path, char *err, size_t err_len) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, err_len, "cannot open %s", path);
        return NULL;
    }
    buffer b = {NULL, 0, 0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (!buf_push(&b, chunk, n)) {
            fclose(f);
            free(b.data);
            snprintf(err, err_len, "out of memory reading %s", path);
            return NULL;
        }
    }
    bool read_error = ferror(f) != 0;
    fclose(f);
    if (read_error) {
        free(b.data);
        snprintf(err, err_len, "error reading %s", path);
        return NULL;
    }
    json_value *v = json_parse(b.data ? b.data : "", b.len, err, err_len);
    free(b.data);
    return v;
}

const json_value *json_get(const json_value *object, const char *key) {
    if (!object || object->type != JSON_OBJECT) return NULL;
    for (size_t i = 0; i < object->count; i++) {
        if (strcmp(object->keys[i], key) == 0) return &object->items[i];
    }
    return NULL;
}
