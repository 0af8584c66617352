// How the process's allocator is set up for scanning.
#pragma once

#include <malloc.h>

namespace safebuild {

/// A scan frees buffers of megabytes all the time (windows, archives held
/// to be opened). glibc raises its mmap threshold to the size of each one
/// freed, and the next ones then come from the heap, whose freed pages it
/// keeps: the resident size grew to half again the live bytes. A fixed
/// threshold hands every such buffer back to the system when it is freed.
inline void ReturnLargeBuffersWhenFreed() { mallopt(M_MMAP_THRESHOLD, 1 << 20); }

}  // namespace safebuild
