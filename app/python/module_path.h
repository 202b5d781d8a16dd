#pragma once
// Where the loaded resvk module lives (its shared object), so it finds the label
// lists shipped beside it the way the resvk binary does (shipped_labels.h).
#include <dlfcn.h>

#include <string>

namespace resvk::python {

inline std::string modulePath() {
    Dl_info info{};
    if (dladdr(reinterpret_cast<const void*>(&modulePath), &info) == 0 || !info.dli_fname) return "";
    return info.dli_fname;
}

}  // namespace resvk::python
