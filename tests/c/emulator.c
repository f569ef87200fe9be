#define _POSIX_C_SOURCE 200809L
#include "emulator.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

int emu_port(void) {
    const char *p = getenv("AURORAIAM_EMULATOR_PORT");
    return p && *p ? atoi(p) : 0;
}

static int connect_loopback(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    struct timeval tv = {10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

int emu_request(const char *method, const char *path, const char *json_body, char *body_out, size_t body_len) {
    if (body_len) body_out[0] = '\0';
    int fd = connect_loopback(emu_port());
    if (fd < 0) return -1;
    const char *body = json_body ? json_body : "";
    char head[512];
    int n = snprintf(head, sizeof head,
                     "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\n\r\n",
                     method, path, strlen(body));
    if (write(fd, head, (size_t)n) != n || write(fd, body, strlen(body)) != (ssize_t)strlen(body)) {
        close(fd);
        return -1;
    }
    size_t cap = 1 << 16, len = 0;
    char *response = malloc(cap + 1);
    ssize_t got;
    while ((got = read(fd, response + len, cap - len)) > 0) {
        len += (size_t)got;
        if (len == cap) break;
    }
    close(fd);
    response[len] = '\0';
    int status = -1;
    if (sscanf(response, "HTTP/1.%*d %d", &status) != 1) status = -1;
    const char *start = strstr(response, "\r\n\r\n");
    if (start && body_len) {
        start += 4;
        size_t m = strlen(start);
        if (m >= body_len) m = body_len - 1;
        memcpy(body_out, start, m);
        body_out[m] = '\0';
    }
    free(response);
    return status;
}

bool emu_reset(void) {
    char body[4096];
    return emu_request("POST", "/_control/reset", "", body, sizeof body) == 200;
}

bool emu_config(const char *json) {
    char body[4096];
    return emu_request("POST", "/_control/config", json, body, sizeof body) == 200;
}

int64_t emu_stat(const char *name) {
    char body[4096], err[128];
    if (emu_request("GET", "/_control/stats", NULL, body, sizeof body) != 200) return -1;
    json_value *v = json_parse(body, strlen(body), err, sizeof err);
    const json_value *n = json_get(v, name);
    int64_t out = n && n->type == JSON_NUMBER && n->is_integer ? n->integer : -1;
    json_free(v);
    return out;
}

bool emu_minted(const char *access_key_id, char *secret, size_t secret_len, int64_t *expiration_epoch) {
    char path[512], body[16384], err[128];
    snprintf(path, sizeof path, "/_control/secret/%s", access_key_id);
    if (emu_request("GET", path, NULL, body, sizeof body) != 200) return false;
    json_value *v = json_parse(body, strlen(body), err, sizeof err);
    const json_value *s = json_get(v, "secret"), *e = json_get(v, "expiration_epoch");
    bool ok = s && s->type == JSON_STRING && s->string_len < secret_len && e && e->type == JSON_NUMBER;
    if (ok) {
        memcpy(secret, s->string, s->string_len + 1);
        *expiration_epoch = e->is_integer ? e->integer : -1;
    }
    json_free(v);
    return ok;
}

int closed_port(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    int port = -1;
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0 && getsockname(fd, (struct sockaddr *)&addr, &len) == 0) {
        port = ntohs(addr.sin_port);
    }
    close(fd);
    return port;
}
