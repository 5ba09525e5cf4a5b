# bash completion for nnart                                  -*- shell-script -*-
#
# Commands and options are read from nnart's own help (`nnart --help`,
# `nnart COMMAND --help`), so they are always those of the nnart at hand;
# option values are completed from their fixed choices, or as file names.

# The command names listed by `nnart --help`.
_nnart_commands()
{
    "$1" --help 2>/dev/null | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z]*\) .*/\1/p'
}

# The long options of a command (`nnart COMMAND --help`); with a third
# argument, only those that take a value.
_nnart_options()
{
    if [[ -n $3 ]]; then
        "$1" "$2" --help 2>/dev/null |
            sed -n 's/^ \{2,6\}\(-[a-zA-Z], \)\{0,1\}\(--[a-z][a-z0-9-]*\) [A-Z].*/\2/p'
    else
        "$1" "$2" --help 2>/dev/null | sed -n 's/^ \{2,6\}\(-[a-zA-Z], \)\{0,1\}\(--[a-z][a-z0-9-]*\).*/\2/p'
    fi
}

# File names (and folders, to walk into) matching a glob, or all of them.
_nnart_files()
{
    compopt -o filenames 2>/dev/null
    local IFS=$'\n' extglob
    extglob=$(shopt -p extglob)
    shopt -s extglob
    if [[ -n $1 ]]; then
        COMPREPLY=($(compgen -f -X "!$1" -- "$cur") $(compgen -d -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
    eval "$extglob"
}

_nnart()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local nnart=${COMP_WORDS[0]} cmd=${COMP_WORDS[1]}
    COMPREPLY=()
    if ((COMP_CWORD == 1)); then
        COMPREPLY=($(compgen -W "$(_nnart_commands "$nnart") help --help --version" -- "$cur"))
        return
    fi
    if [[ $cmd == help ]]; then
        ((COMP_CWORD == 2)) && COMPREPLY=($(compgen -W "$(_nnart_commands "$nnart")" -- "$cur"))
        return
    fi
    case $prev in
    --activation)
        if [[ $cmd == paint ]]; then
            COMPREPLY=($(compgen -W "sin gauss tanh sigmoid relu identity" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "relu sigmoid tanh sin gauss identity" -- "$cur"))
        fi
        return ;;
    --output-activation) COMPREPLY=($(compgen -W "softmax sigmoid tanh relu identity" -- "$cur")); return ;;
    --optimizer) COMPREPLY=($(compgen -W "adam sgd" -- "$cur")); return ;;
    --loss) COMPREPLY=($(compgen -W "xent mse" -- "$cur")); return ;;
    --cmap) COMPREPLY=($(compgen -W "hot bwr gray" -- "$cur")); return ;;
    -f | --format) COMPREPLY=($(compgen -W "text csv npy" -- "$cur")); return ;;
    --start) COMPREPLY=($(compgen -W "blank noise" -- "$cur")); return ;;
    --objective) COMPREPLY=($(compgen -W "logit softmax" -- "$cur")); return ;;
    -u | --unit | -k | --class) COMPREPLY=($(compgen -W "all" -- "$cur")); return ;;
    --method) COMPREPLY=($(compgen -W "saliency gradxinput ig smoothgrad occlusion all" -- "$cur")); return ;;
    --baseline) _nnart_files '*.@(png|jpg|jpeg|pgm|ppm)'; COMPREPLY+=($(compgen -W "black blur" -- "$cur")); return ;;
    --range)
        case $cmd in
        weights) COMPREPLY=($(compgen -W "tile global" -- "$cur")) ;;
        predict) COMPREPLY=($(compgen -W "probability data row" -- "$cur")) ;;
        *) COMPREPLY=($(compgen -W "errors log data row" -- "$cur")) ;;
        esac
        return ;;
    --render-format) COMPREPLY=($(compgen -W "png ppm pgm" -- "$cur")); return ;;
    -d | --data) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")); return ;;
    --npz) _nnart_files '*.npz'; return ;;
    -m | --model | -o | --output) _nnart_files '*.nnm'; return ;;
    --history) _nnart_files '*.csv'; return ;;
    --html) _nnart_files '*.@(html|htm)'; return ;;
    -r | --render) _nnart_files '*.@(png|ppm|pgm)'; return ;;
    --image) _nnart_files '*.@(png|jpg|jpeg|pgm|ppm)'; return ;;
    -a | --animate) _nnart_files '*.@(gif|png|apng)'; return ;;
    --animate-of) COMPREPLY=($(compgen -W "weights poster confusion" -- "$cur")); return ;;
    --images | --labels | --train-images | --train-labels | --test-images | --test-labels)
        _nnart_files; return ;;
    esac
    # Another option that takes a value (a number): nothing to offer.
    if [[ $prev == --* ]] && _nnart_options "$nnart" "$cmd" value | grep -qx -- "$prev"; then
        return
    fi
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_nnart_options "$nnart" "$cmd")" -- "$cur"))
        return
    fi
    case $cmd in
    info) _nnart_files '*.nnm' ;;
    import) _nnart_files '*.npz' ;;
    plot) _nnart_files '*.csv' ;;
    esac
}
complete -F _nnart nnart
