/* The control API of tests/emulators/aws_endpoints.py (loopback HTTP), for the C provider tests.
 * The emulator is started by tests/c/run.sh, which passes its port in AURORAIAM_EMULATOR_PORT. */
#ifndef AURORAIAM_TEST_EMULATOR_H
#define AURORAIAM_TEST_EMULATOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"

/* The emulator's port from $AURORAIAM_EMULATOR_PORT, or 0 when it is not running. */
int emu_port(void);

/* One HTTP/1.1 request (Connection: close) to the emulator; returns the status (or -1) and
 * copies the body, NUL-terminated, into `body_out` (cut at `body_len - 1` bytes). */
int emu_request(const char *method, const char *path, const char *json_body, char *body_out, size_t body_len);

/* POST /_control/reset; true on HTTP 200. */
bool emu_reset(void);

/* POST /_control/config with a JSON object; true on HTTP 200. */
bool emu_config(const char *json);

/* One counter of GET /_control/stats ("imds", "ecs", ...), or -1. */
int64_t emu_stat(const char *name);

/* The secret and expiry the emulator minted for `access_key_id` (GET /_control/secret/<akid>);
 * false when it minted none. */
bool emu_minted(const char *access_key_id, char *secret, size_t secret_len, int64_t *expiration_epoch);

/* A loopback TCP port nothing listens on (bound, then closed). */
int closed_port(void);

#endif
