#include "args.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace resvk::app {

std::string helpText(const CommandSpec& spec) {
    std::ostringstream out;
    out << "Usage: resvk " << spec.name << " " << spec.usage << "\n\n" << spec.summary << "\n\nOptions:\n";
    auto line = [&](const std::string& left, const std::string& help, const std::string& def) {
        out << "  " << left;
        if (left.size() < 24)
            out << std::string(24 - left.size(), ' ');
        else
            out << "\n  " << std::string(24, ' ');
        out << help;
        if (!def.empty()) out << " (default: " << def << ")";
        out << "\n";
    };
    for (const auto& o : spec.options)
        line("--" + o.name + (o.valueName.empty() ? "" : " " + o.valueName), o.help, o.defaultText);
    line("-h, --help", "show this help and exit", "");
    if (!spec.notes.empty()) out << "\n" << spec.notes << "\n";
    if (!spec.examples.empty()) {
        out << "\nExamples:\n";
        for (const auto& e : spec.examples) out << "  " << e << "\n";
    }
    return out.str();
}

Args::Args(const CommandSpec& spec, const std::vector<std::string>& argv) : spec_(spec) {
    for (const auto& a : argv)
        if (a == "--help" || a == "-h") {
            help_ = true;
            return;
        }
    bool onlyPositionals = false;
    for (size_t i = 0; i < argv.size(); ++i) {
        const std::string& a = argv[i];
        if (onlyPositionals || a.size() < 2 || a[0] != '-' || (a[1] != '-' && a != "-")) {
            if (!onlyPositionals && a.size() >= 2 && a[0] == '-' && !std::isdigit(static_cast<unsigned char>(a[1])))
                fail("unknown option '" + a + "'");
            if (spec.positionalName.empty()) fail("unexpected argument '" + a + "'");
            positionals_.push_back(a);
            continue;
        }
        if (a == "--") {
            onlyPositionals = true;
            continue;
        }
        std::string name = a.substr(2), inlineValue;
        bool hasInline = false;
        if (auto eq = name.find('='); eq != std::string::npos) {
            inlineValue = name.substr(eq + 1);
            name = name.substr(0, eq);
            hasInline = true;
        }
        const OptionSpec* opt = nullptr;
        for (const auto& o : spec.options)
            if (o.name == name) opt = &o;
        if (!opt) fail("unknown option '--" + name + "'");
        if (opt->valueName.empty()) {
            if (hasInline) fail("option '--" + name + "' takes no value");
            values_[name] = "";
        } else if (hasInline) {
            values_[name] = inlineValue;
        } else {
            if (i + 1 >= argv.size()) fail("option '--" + name + "' needs a value (" + opt->valueName + ")");
            values_[name] = argv[++i];
        }
        repeated_[name].push_back(values_[name]);
    }
    if (static_cast<int>(positionals_.size()) < spec.minPositionals)
        fail("missing " + spec.positionalName + " argument");
}

void Args::fail(const std::string& message) const {
    throw UsageError(message, spec_.name);
}

bool Args::has(const std::string& name) const {
    return values_.count(name) != 0;
}

std::optional<std::string> Args::value(const std::string& name) const {
    auto it = values_.find(name);
    if (it == values_.end()) return std::nullopt;
    return it->second;
}

std::vector<std::string> Args::values(const std::string& name) const {
    auto it = repeated_.find(name);
    return it == repeated_.end() ? std::vector<std::string>{} : it->second;
}

std::string Args::str(const std::string& name, const std::string& fallback) const {
    auto v = value(name);
    return v ? *v : fallback;
}

int Args::integer(const std::string& name, int fallback, int min, int max) const {
    auto v = value(name);
    if (!v) return fallback;
    errno = 0;
    char* end = nullptr;
    long n = std::strtol(v->c_str(), &end, 10);
    if (v->empty() || *end != '\0' || errno == ERANGE || n < min || n > max)
        fail("--" + name + " must be an integer from " + std::to_string(min) + " to " + std::to_string(max) +
             ", got '" + *v + "'");
    return static_cast<int>(n);
}

static bool parseDouble(const std::string& s, double& out) {
    errno = 0;
    char* end = nullptr;
    out = std::strtod(s.c_str(), &end);
    return !s.empty() && *end == '\0' && errno != ERANGE && std::isfinite(out);
}

double Args::number(const std::string& name, double fallback, double min) const {
    auto v = value(name);
    if (!v) return fallback;
    double d = 0;
    if (!parseDouble(*v, d) || d < min)
        fail("--" + name + " must be a number >= " + std::to_string(min) + ", got '" + *v + "'");
    return d;
}

std::vector<float> Args::numbers(const std::string& name, size_t n) const {
    std::vector<float> out;
    auto v = value(name);
    if (!v) return out;
    std::stringstream ss(*v);
    std::string item;
    while (std::getline(ss, item, ',')) {
        double d = 0;
        if (!parseDouble(item, d))
            fail("--" + name + " expects " + std::to_string(n) + " comma-separated numbers, got '" + *v + "'");
        out.push_back(static_cast<float>(d));
    }
    if (out.size() != n)
        fail("--" + name + " expects " + std::to_string(n) + " comma-separated numbers, got '" + *v + "'");
    return out;
}

}  // namespace resvk::app
