// The C ABI between the Cairn core and its plugins.
//
// Every plugin is a shared library exporting one C-linkage function, `cairn_plugin_entry`, that
// returns a static `cairn_plugin_info`. Nothing but C types crosses this boundary: no STL, no
// exceptions, no RTTI, so a plugin may be built with another compiler or standard library.
//
// Rules that hold for every call below:
// - Errors are values: a call returns a `cairn_code` and, when it is not CAIRN_OK, fills the
//   caller-owned `cairn_error` (a fixed buffer, so nothing is allocated across the boundary).
// - Bytes a plugin hands back go through a caller-provided sink callback; the plugin never
//   returns memory the host must free, and the host never frees plugin memory.
// - Structs are append-only: new fields go at the end, and `struct_size` tells the reader what
//   the writer knew. ABI major changes only when something is removed or reordered.
//
// Thread-safety: every vtable function may be called concurrently from many threads on the
// same instance unless its comment says otherwise.
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CAIRN_ABI_MAJOR 1
#define CAIRN_ABI_MINOR 4
#define CAIRN_PLUGIN_ENTRY_SYMBOL "cairn_plugin_entry"

typedef enum cairn_code {
  CAIRN_OK = 0,
  CAIRN_NOT_FOUND = 1,        // the key, shard or credential does not exist
  CAIRN_CONFLICT = 2,         // a transaction condition did not hold
  CAIRN_CORRUPTION = 3,       // stored bytes fail their checksum or format check
  CAIRN_IO_ERROR = 4,         // the OS or a remote peer failed
  CAIRN_INVALID_ARGUMENT = 5, // the caller passed something malformed
  CAIRN_UNAVAILABLE = 6,      // a drive or node cannot serve now; retry elsewhere or later
  CAIRN_NO_SPACE = 7,         // a drive is full
  CAIRN_ACCESS_DENIED = 8,    // authentication or authorization failed (see s3_code)
  CAIRN_INTERNAL = 9,         // a bug or an unexpected state inside the plugin
  // (ABI 1.3) A write was sent but its outcome is not known -- a timeout or a lost connection
  // after the request left, a failed commit of a group that may already be durable: it may
  // or may not have been applied. Every other failure of a write means nothing was written.
  CAIRN_OUTCOME_UNKNOWN = 10,
} cairn_code;

// Filled by a callee that fails. `s3_code` is optional (empty when not set): an S3 error code
// such as "SignatureDoesNotMatch" that the core maps to its HTTP status.
typedef struct cairn_error {
  int32_t code;
  char s3_code[64];
  char message[512];
} cairn_error;

// A byte string the callee does not own; valid only for the duration of the call.
typedef struct cairn_bytes {
  const uint8_t* data;
  size_t size;
} cairn_bytes;

// A sink for bytes a plugin returns. Returning non-zero asks the plugin to stop.
typedef int (*cairn_sink_fn)(void* sink_ctx, const uint8_t* data, size_t size);

typedef enum cairn_log_level {
  CAIRN_LOG_DEBUG = 0,
  CAIRN_LOG_INFO = 1,
  CAIRN_LOG_WARN = 2,
  CAIRN_LOG_ERROR = 3,
} cairn_log_level;

// A plugin's own configuration sub-table, already validated by the host against the keys the
// plugin declared. Opaque; read it through the host's config_* functions.
typedef struct cairn_config cairn_config;

// Services the host offers every plugin. Owned by the host; valid for the process lifetime.
typedef struct cairn_host {
  uint32_t struct_size;
  void* host_ctx;
  void (*log)(void* host_ctx, int32_t level, const char* plugin, const char* message);
  // Config readers return 1 and set *out when the key is present, 0 when absent. Strings are
  // owned by the host and live as long as the config.
  int (*config_string)(const cairn_config* config, const char* key, const char** out);
  int (*config_int)(const cairn_config* config, const char* key, int64_t* out);
  int (*config_bool)(const cairn_config* config, const char* key, int* out);
  // Looks up the secret of an access key for authenticators. Returns CAIRN_OK and writes a
  // NUL-terminated secret (and the principal's canonical user id) into the caller's buffers,
  // or CAIRN_NOT_FOUND.
  int32_t (*lookup_secret)(void* host_ctx, const char* access_key, char* secret, size_t secret_cap,
                           char* principal, size_t principal_cap);
  // Adds `value` to a named counter in the host's metrics.
  void (*metric_add)(void* host_ctx, const char* name, double value);
  // The server's data directory (absolute); plugins resolve relative paths against it.
  const char* data_dir;
  // String arrays: config_array_size returns the element count (0 when absent);
  // config_array_string returns 1 and sets *out for a valid index.
  size_t (*config_array_size)(const cairn_config* config, const char* key);
  int (*config_array_string)(const cairn_config* config, const char* key, size_t index,
                             const char** out);
} cairn_host;

typedef enum cairn_config_type {
  CAIRN_CONFIG_STRING = 0,
  CAIRN_CONFIG_INT = 1,
  CAIRN_CONFIG_BOOL = 2,
  CAIRN_CONFIG_STRING_ARRAY = 3,
} cairn_config_type;

// One key a plugin accepts in its configuration sub-table. The host refuses unknown keys and
// wrong types with the file, line and key, before the plugin is created.
typedef struct cairn_config_key {
  const char* name;
  int32_t type;  // cairn_config_type
  int32_t required;
  const char* description;
} cairn_config_key;

// What `cairn_plugin_entry` returns. Static storage in the plugin; never freed.
typedef struct cairn_plugin_info {
  uint32_t abi_major;
  uint32_t abi_minor;
  uint32_t struct_size;
  const char* name;      // unique within its category, e.g. "isal"
  const char* category;  // "codec", "meta", "auth" or "transport"
  const char* version;   // the plugin's own version, for logs
  const cairn_config_key* config_keys;
  size_t config_key_count;
  // Creates an instance. Returns NULL and fills *err on failure. The host calls destroy once.
  void* (*create)(const cairn_host* host, const cairn_config* config, cairn_error* err);
  void (*destroy)(void* instance);
  // The category's function table: cairn_codec_vtable, cairn_meta_vtable, cairn_auth_vtable
  // or cairn_transport_vtable (see the category headers).
  const void* vtable;
} cairn_plugin_info;

typedef const cairn_plugin_info* (*cairn_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif
