#pragma once
// A small option parser shared by every subcommand: flags, options with values
// (`--opt value` or `--opt=value`), repeated positionals, per-command help text.
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace resvk::app {

// A mistake on the command line; main prints it with a hint and exits 2.
struct UsageError : std::runtime_error {
    UsageError(const std::string& what, std::string command) : std::runtime_error(what), command(std::move(command)) {}
    std::string command;  // the subcommand whose --help to point at ("" = top level)
};

struct OptionSpec {
    std::string name;         // "top" for --top
    std::string valueName;    // "K"; empty = a flag without value
    std::string help;         // one line
    std::string defaultText;  // shown as "(default: ...)", empty = none
};

struct CommandSpec {
    std::string name;            // "classify"
    std::string usage;           // "IMAGE... --model M.onnx [options]"
    std::string summary;         // one paragraph
    std::string positionalName;  // "IMAGE"; empty = no positionals
    int minPositionals = 0;
    std::vector<OptionSpec> options;  // --help is added automatically
    std::vector<std::string> examples;
    std::string notes;  // extra paragraph after the options
};

std::string helpText(const CommandSpec& spec);

class Args {
public:
    // Throws UsageError for unknown options, missing values, too few positionals.
    // helpRequested() is true when --help/-h was given (then nothing else is checked).
    Args(const CommandSpec& spec, const std::vector<std::string>& argv);

    bool helpRequested() const { return help_; }
    bool has(const std::string& name) const;
    std::optional<std::string> value(const std::string& name) const;  // the last one given
    std::vector<std::string> values(const std::string& name) const;   // every one, in order (repeatable options)
    std::string str(const std::string& name, const std::string& fallback) const;
    // Integer in [min, max]; UsageError naming the option otherwise.
    int integer(const std::string& name, int fallback, int min, int max) const;
    double number(const std::string& name, double fallback, double min) const;
    // "a,b,c" with exactly n numbers.
    std::vector<float> numbers(const std::string& name, size_t n) const;
    const std::vector<std::string>& positionals() const { return positionals_; }
    [[noreturn]] void fail(const std::string& message) const;

private:
    const CommandSpec& spec_;
    bool help_ = false;
    std::map<std::string, std::string> values_;
    std::map<std::string, std::vector<std::string>> repeated_;
    std::vector<std::string> positionals_;
};

}  // namespace resvk::app
