#!/usr/bin/env python3
"""Writes the man page resvk(1) or the bash completion from the built binary's --help.

  docs_from_help.py man|completion RESVK_BINARY OUTPUT

Both come from what `resvk --help` and `resvk help COMMAND` print (the text the
option specs in app/ produce), so they cannot drift from the program.
"""
import gzip
import re
import subprocess
import sys


def run_help(binary, *args):
    return subprocess.run([binary, *args], check=True, capture_output=True, text=True).stdout


def sections(text):
    """Splits help text at its headings ("Usage: ...", "Options:", "Examples:", "Commands:")."""
    out, name = {"": []}, ""
    for line in text.splitlines():
        if re.match(r"^(Options|Examples|Commands|Global options):$", line):
            name = line[:-1]
            out[name] = []
        elif line.startswith("Usage: "):
            out["Usage"] = [line[len("Usage: "):]]
        else:
            out[name].append(line)
    return out


def paragraphs(lines):
    """Blank-line separated blocks, with surrounding blank lines dropped."""
    blocks, current = [], []
    for line in lines + [""]:
        if line.strip():
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    return blocks


def options(lines):
    """(left column, help) pairs: '  --top K                 how many ...' or a long left column alone."""
    result = []
    for line in lines:
        if not line.strip():
            break  # the notes paragraph follows the option table
        m = re.match(r"^  (\S.*?)(?:\s{2,}(.*))?$", line)
        if line.startswith("  " + " " * 24) and result:
            result[-1] = (result[-1][0], line.strip())
        elif m:
            result.append((m.group(1), m.group(2) or ""))
    return result


def command_names(top_help):
    return [line.split()[0] for line in sections(top_help)["Commands"] if line.startswith("  ") and line.split()]


def roff(text):
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\\&" + text if text[:1] in (".", "'") else text


def man_page(binary):
    top = run_help(binary, "--help")
    version = run_help(binary, "--version").split("\n")[0]
    s = sections(top)
    out = [f'.TH RESVK 1 "" "{roff(version)}" "User Commands"', ".SH NAME",
           "resvk \\- real-time image and video classification with ResNets on Vulkan compute",
           ".SH SYNOPSIS", ".B resvk", "\\fIcommand\\fR [\\fIoptions\\fR]", ".SH DESCRIPTION"]
    for block in paragraphs(s[""]):
        out += [".PP", roff(" ".join(x.strip() for x in block))]
    out.append(".SH COMMANDS")
    for line in s["Commands"]:
        if line.startswith("  ") and line.strip():
            name, _, summary = line.strip().partition(" ")
            out += [".TP", f"\\fB{name}\\fR", roff(summary.strip())]
        elif line.strip():
            out += [".PP", roff(line.strip())]
    out.append(".SH OPTIONS")
    for left, help_text in options(s["Global options"]):
        out += [".TP", f"\\fB{roff(left)}\\fR", roff(help_text)]
    for name in command_names(top):
        c = sections(run_help(binary, "help", name))
        out += [f'.SH "RESVK {name.upper()}"', ".nf", f"\\fBresvk {name}\\fR {roff(c['Usage'][0].split(' ', 2)[2])}",
                ".fi"]
        opts = options(c["Options"])
        for block in paragraphs(c[""]):
            out += [".PP", ".nf", *map(roff, block), ".fi"]
        out.append(".PP\nOptions:")
        for left, help_text in opts:
            out += [".TP", f"\\fB{roff(left)}\\fR", roff(help_text)]
        for block in paragraphs(c["Options"])[1:]:  # the notes after the option table
            out += [".PP", ".nf", *map(roff, block), ".fi"]
        if "Examples" in c:
            out += [".PP\nExamples:", ".PP", ".nf", *[roff(x) for x in c["Examples"] if x.strip()], ".fi"]
    out += [".SH EXAMPLES", ".nf", *[roff(x.strip()) for x in s["Examples"] if x.strip()], ".fi"]
    out += [".SH FILES", ".TP", "\\fIPREFIX/share/resvk/labels/\\fR",
            roff("the class names resvk ships (imagenet.txt, cifar10.txt), found by `--labels imagenet`;"
                 " PREFIX is the folder above the binary's bin/ (/usr for the .deb)"), ".TP",
            "\\fI~/.cache/resvk/models/\\fR", roff("models downloaded by `resvk models pull`")]
    return "\n".join(out) + "\n"


def completion(binary):
    top = run_help(binary, "--help")
    names = command_names(top)
    cases = []
    for name in names:
        c = sections(run_help(binary, "help", name))
        opts = options(c["Options"])
        flags = sorted({tok for left, _ in opts for tok in re.findall(r"--?[\w-]+", left)})
        valued = sorted({m.group(1) for left, _ in opts for m in [re.match(r"^(--[\w-]+) \S", left)] if m})
        words = " ".join(w for w in c["Usage"][0].split()[2:] if re.fullmatch(r"[a-z]+", w))  # e.g. models: pull verify
        cases.append(f'    {name}) opts="{" ".join(flags)}"; valued="{" ".join(valued)}"; words="{words}" ;;')
    return f"""# bash completion for resvk, generated from `resvk --help` (packaging/docs_from_help.py)
_resvk() {{
  local cur=${{COMP_WORDS[COMP_CWORD]}} prev=${{COMP_WORDS[COMP_CWORD-1]}}
  local opts="" valued="" words=""
  if (( COMP_CWORD == 1 )); then
    COMPREPLY=($(compgen -W "{' '.join(names)} help --help --version" -- "$cur"))
    return
  fi
  case ${{COMP_WORDS[1]}} in
{chr(10).join(cases)}
    help) COMPREPLY=($(compgen -W "{' '.join(names)}" -- "$cur")); return ;;
    *) return ;;
  esac
  if [[ " $valued " == *" $prev "* ]]; then
    COMPREPLY=($(compgen -f -- "$cur"))  # an option's value: usually a file
  elif [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$words" -- "$cur") $(compgen -f -- "$cur"))
  fi
}}
complete -o filenames -F _resvk resvk
"""


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("man", "completion"):
        sys.exit(__doc__)
    kind, binary, output = sys.argv[1:]
    if kind == "man":
        with gzip.GzipFile(output, "wb", mtime=0) as f:  # mtime 0: the same text gives the same file
            f.write(man_page(binary).encode())
    else:
        with open(output, "w", encoding="utf-8") as f:
            f.write(completion(binary))
