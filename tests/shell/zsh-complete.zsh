# Lists zsh's completions for command lines, as a user pressing Tab would
# see them: an interactive zsh in a pseudo-terminal (zsh/zpty) loads the
# completions from FPATH_DIR and lists the choices for each LINE.
# Usage: zsh -f zsh-complete.zsh FPATH_DIR LINE...
# Prints "=== LINE" and then the listing, escape sequences removed.
zmodload zsh/zpty || exit 1
setopt extendedglob

zpty sb zsh -f -i
zpty -w sb "PS1='> '; fpath=(${(q)1} \$fpath); autoload -U compinit; compinit -u -D"
zpty -w sb "zstyle ':completion:*' format '<%d>'; bindkey '^I' list-choices"
zpty -w sb "COLUMNS=200; print ready-for-tests"
out=
repeat 100; do
  zpty -rt sb chunk 2>/dev/null && out+=$chunk
  [[ $out == *ready-for-tests*'> '* ]] && break
  sleep 0.1
done
shift

for line in "$@"; do
  zpty -n -w sb "$line"$'\t'
  out=
  quiet=0
  # Reads until the listing has been drawn and nothing came for a while.
  repeat 100; do
    if zpty -rt sb chunk 2>/dev/null; then
      out+=$chunk
      quiet=0
    else
      (( quiet++ ))
      (( quiet > 5 )) && [[ $out == *$'\n'* ]] && break
      sleep 0.05
    fi
  done
  out=$(print -r -- "$out" | tr -d '\r' |
    sed -e 's/\x1b\[[0-9;?]*[a-zA-Z]//g' -e 's/\x1b[=>]//g')
  # zle redraws the command line right after the listing: cut it off.
  trimmed=${line%% #}
  end=${out[(I)${(b)trimmed}]}
  (( end > 1 )) && out=${out[1,end-1]}
  print -r -- "=== $line"
  print -r -- "$out"
  zpty -n -w sb $'\C-u'
done
zpty -d sb
