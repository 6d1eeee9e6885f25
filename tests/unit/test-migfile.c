#include <check.h>
Suite *make_suite(void);
Suite *make_suite(void) { return suite_create("migfile"); }
