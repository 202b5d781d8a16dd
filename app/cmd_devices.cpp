// resvk devices: the Vulkan devices this machine offers and which one is used.
#include <iostream>

#include "common.h"
#include "json.h"

namespace resvk::app {

const CommandSpec& devicesSpec() {
    static const CommandSpec spec{
        "devices",
        "[--json]",
        "Lists the Vulkan devices: index, name, type, driver, Vulkan version, device-local memory and\n"
        "whether resvk can use it (Vulkan 1.2 with a compute queue). The device marked with * is the one\n"
        "every command uses unless --device N picks another: a discrete GPU before an integrated one\n"
        "before anything else, and among devices of that type the one with the most device-local memory.",
        "",
        0,
        {{"json", "", "print one JSON document instead of a table", ""}},
        {"resvk devices", "resvk devices --json", "resvk classify photo.jpg --model model.onnx --device 0"},
        ""};
    return spec;
}

int runDevices(const Args& args) {
    auto devices = vk::Context::listDevices();
    const vk::DeviceChoice choice = vk::chooseDevice(devices);
    const int picked = choice.index;
    if (args.has("json")) {
        Json j;
        j.beginObject().key("default").value(picked).key("why").value(choice.reason).key("devices").beginArray();
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
                .key("device_local_bytes")
                .value(static_cast<int64_t>(d.deviceLocalBytes))
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
                  << format("          device-local memory: %.1f GiB\n", double(d.deviceLocalBytes) / (1ull << 30))
                  << "          usable: " << (d.usable ? "yes" : "no (needs Vulkan 1.2 with a compute queue)") << "\n";
    }
    if (picked < 0)
        std::cout << "no usable device: resvk cannot run models here\n";
    else
        std::cout << "* = used by default: " << choice.reason << " (override with --device N)\n";
    return 0;
}

}  // namespace resvk::app
