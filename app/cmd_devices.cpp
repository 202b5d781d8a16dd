// resvk devices: the Vulkan devices this machine offers and which one is used.
#include <iostream>

#include "common.h"
#include "json.h"

namespace resvk::app {

namespace {
// The same rule as vk::Context: first discrete GPU, else integrated, else any usable.
int defaultDevice(const std::vector<vk::DeviceInfo>& devices) {
    for (const char* wanted : {"discrete GPU", "integrated GPU"})
        for (const auto& d : devices)
            if (d.usable && d.type == wanted) return d.index;
    for (const auto& d : devices)
        if (d.usable) return d.index;
    return -1;
}
}  // namespace

const CommandSpec& devicesSpec() {
    static const CommandSpec spec{
        "devices",
        "[--json]",
        "Lists the Vulkan devices: index, name, type, driver, Vulkan version and whether resvk can use\n"
        "it (Vulkan 1.2 with a compute queue). The device marked with * is the one every command uses\n"
        "unless --device N picks another.",
        "",
        0,
        {{"json", "", "print one JSON document instead of a table", ""}},
        {"resvk devices", "resvk devices --json", "resvk classify photo.jpg --model model.onnx --device 0"},
        ""};
    return spec;
}

int runDevices(const Args& args) {
    auto devices = vk::Context::listDevices();
    const int picked = defaultDevice(devices);
    if (args.has("json")) {
        Json j;
        j.beginObject().key("default").value(picked).key("devices").beginArray();
        for (const auto& d : devices) {
            j.beginObject()
                .key("index")
                .value(d.index)
                .key("name")
                .value(d.name)
                .key("type")
                .value(d.type)
                .key("driver")
                .value(d.driver)
                .key("vulkan")
                .value(vulkanVersion(d.apiVersion))
                .key("usable")
                .value(d.usable)
                .key("default")
                .value(d.index == picked)
                .endObject();
        }
        j.endArray().endObject();
        std::cout << j.str() << "\n";
        return 0;
    }
    if (devices.empty()) {
        std::cout << "no Vulkan devices found\n";
        return 1;
    }
    std::cout << "   index  name / type / driver / Vulkan / usable\n";
    for (const auto& d : devices) {
        std::cout << (d.index == picked ? " * " : "   ") << format("%5d  ", d.index) << d.name << "\n"
                  << "          type: " << d.type << "\n"
                  << "          driver: " << d.driver << "\n"
                  << "          Vulkan: " << vulkanVersion(d.apiVersion) << "\n"
                  << "          usable: " << (d.usable ? "yes" : "no (needs Vulkan 1.2 with a compute queue)") << "\n";
    }
    if (picked < 0)
        std::cout << "no usable device: resvk cannot run models here\n";
    else
        std::cout << "* = used by default (override with --device N)\n";
    return 0;
}

}  // namespace resvk::app
