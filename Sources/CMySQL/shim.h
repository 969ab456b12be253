#ifndef SLEET_CMYSQL_SHIM_H
#define SLEET_CMYSQL_SHIM_H
#include <stddef.h>
#include <stdbool.h>
#include <mysql.h>

/// mysql_library_init is a macro in some Connector/C versions; Swift cannot import it.
static inline int sleet_mysql_library_init(void) { return mysql_library_init(0, NULL, NULL); }

/// mysql_optionsv is variadic; expose the integer and string forms Swift needs.
static inline int sleet_mysql_option_uint(MYSQL *m, enum mysql_option opt, unsigned int value) {
    return mysql_options(m, opt, &value);
}
static inline int sleet_mysql_option_bool(MYSQL *m, enum mysql_option opt, bool value) {
    my_bool v = value ? 1 : 0;
    return mysql_options(m, opt, &v);
}
static inline int sleet_mysql_option_string(MYSQL *m, enum mysql_option opt, const char *value) {
    return mysql_options(m, opt, value);
}
#endif
