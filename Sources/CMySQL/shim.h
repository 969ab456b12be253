#ifndef SLEET_CMYSQL_SHIM_H
#define SLEET_CMYSQL_SHIM_H
#include <stddef.h>
#include <stdbool.h>
#include <mysql.h>

/// mysql_library_init is a macro in some Connector/C versions; Swift cannot import it.
static inline int sleet_mysql_library_init(void) { return mysql_library_init(0, NULL, NULL); }

/// Boolean options take a `my_bool *` in MariaDB Connector/C (and MySQL < 8.0); MySQL 8 removed
/// `my_bool` and takes a `bool *`.
#if defined(MARIADB_PACKAGE_VERSION) || (defined(MYSQL_VERSION_ID) && MYSQL_VERSION_ID < 80000)
typedef my_bool sleet_my_bool;
#else
typedef bool sleet_my_bool;
#endif

/// mysql_optionsv is variadic; expose the integer and string forms Swift needs.
static inline int sleet_mysql_option_uint(MYSQL *m, enum mysql_option opt, unsigned int value) {
    return mysql_options(m, opt, &value);
}
static inline int sleet_mysql_option_bool(MYSQL *m, enum mysql_option opt, bool value) {
    sleet_my_bool v = value ? 1 : 0;
    return mysql_options(m, opt, &v);
}
static inline int sleet_mysql_option_string(MYSQL *m, enum mysql_option opt, const char *value) {
    return mysql_options(m, opt, value);
}

/// Client flags for control connections: several statements per COM_QUERY and several result sets
/// per reply. (The macros are `1UL << n` expressions; a function keeps the Swift side independent
/// of how the importer treats them.)
static inline unsigned long sleet_mysql_client_flags_multi(void) {
    return CLIENT_MULTI_STATEMENTS | CLIENT_MULTI_RESULTS;
}

/// Names the calling thread (visible in `top -H`, gdb, /proc/<pid>/task/<tid>/comm; at most 15
/// bytes on Linux). Foundation's `Thread.name` is not reliably applied to the OS thread on Linux.
#if defined(__linux__)
#include <sys/prctl.h>
static inline void sleet_set_current_thread_name(const char *name) { (void)prctl(PR_SET_NAME, name, 0, 0, 0); }
#elif defined(__APPLE__)
#include <pthread.h>
static inline void sleet_set_current_thread_name(const char *name) { (void)pthread_setname_np(name); }
#else
static inline void sleet_set_current_thread_name(const char *name) { (void)name; }
#endif
#endif
