"""What the bash and zsh scripts share: single-quoting and the table of options that take a value."""

from __future__ import annotations


def quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def value_table(nodes, globals_, zsh: bool) -> list[str]:
    """`__sinchvoice_value PATH OPTION` sets _sv_val to the option's value kind; zsh wants `(pattern)`."""
    def case(pattern: str) -> str:
        return f"({pattern})" if zsh else f"{pattern})"

    lines = ["# Options that take a value, and its kind; command-specific first, then the global ones.",
             "__sinchvoice_value() {", '    case "$1|$2" in']
    for node in nodes:
        for name, kind in node.values.items():
            lines.append(f"        {quote(node.key + '|' + name)}) _sv_val={quote(kind)} ;;")
    for option in globals_:
        if option.kind:
            pattern = "|".join(f"*{quote('|' + name)}" for name in option.names)
            lines.append(f"        {case(pattern)} _sv_val={quote(option.kind)} ;;")
    return lines + [f"        {case('*')} return 1 ;;", "    esac", "}"]
