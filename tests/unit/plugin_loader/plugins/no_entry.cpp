// A shared library that is not a Cairn plugin: it exports a function, but not
// cairn_plugin_entry. The loader must refuse it by name.
extern "C" __attribute__((visibility("default"))) int not_a_cairn_plugin(void) { return 42; }
