// An ITT collector that turns oneTBB's synchronization notices into ThreadSanitizer
// happens-before edges (tools/dev.sh test --tsan loads it with INTEL_LIBITTNOTIFY64).
//
// Debian's libtbb.so.12 is not built with -fsanitize=thread, so TSan cannot see how it hands a
// task or a pipeline token from one thread to another, and reports every such hand-off as a
// race in dadeum's code. libtbb does announce those points through the ITT API (as it does
// for Intel Inspector): "releasing" an object before another thread may take it, "acquired"
// once taken. Mapping them to __tsan_release / __tsan_acquire restores exactly those edges and
// no others, so real races in dadeum are still reported.
#include <sanitizer/tsan_interface.h>

extern "C" {
void __itt_sync_releasing(void* addr) { __tsan_release(addr); }
void __itt_sync_acquired(void* addr) { __tsan_acquire(addr); }
void __itt_sync_prepare(void*) {}
void __itt_sync_cancel(void*) {}
void __itt_sync_create(void*, const char*, const char*, int) {}
void __itt_sync_destroy(void*) {}
void __itt_sync_rename(void*, const char*) {}
}
