# bash completion for safebuild(1)                        -*- shell-script -*-
#
# Completes safebuild's commands and options with their values, files for
# --report and -f, directories for a build context, local image names for
# scan and push (from `podman images`, only when podman is installed), and
# after `build` and `push` podman's own flags, embedded below (see
# update-podman-flags), so that completing never runs `podman --help`.
# Needs nothing from the bash-completion package.

# BEGIN podman flags: made by update-podman-flags from podman version 4.3.1
_safebuild_build_value_flags='--add-host --annotation --arch --authfile
  --build-arg --build-context --cache-from --cache-to --cache-ttl --cap-add
  --cap-drop --cert-dir --cgroup-parent --cgroupns --cpp-flag --cpu-period
  --cpu-quota -c --cpu-shares --cpuset-cpus --cpuset-mems --creds
  --decryption-key --device --dns --dns-option --dns-search --env -f --file
  --format --from --hooks-dir --ignorefile --iidfile --ipc --isolation --jobs
  --label --logfile --manifest -m --memory --memory-swap --network --os
  --os-feature --os-version -o --output --pid --platform --retry --retry-delay
  --runtime-flag --secret --security-opt --shm-size --sign-by --ssh -t --tag
  --target --timestamp --ulimit --unsetenv --userns --userns-gid-map
  --userns-gid-map-group --userns-uid-map --userns-uid-map-user --uts
  --variant -v --volume --cgroup-manager --conmon --connection
  --events-backend --identity --log-level --namespace --network-cmd-path
  --network-config-dir --root --runroot --runtime --storage-driver
  --storage-opt --tmpdir --url --volumepath'
_safebuild_build_switches='--all-platforms --compress -D --disable-compression
  --disable-content-trust --force-rm --http-proxy --identity-label --layers
  --logsplit --no-cache --no-hosts --omit-history --pull -q --quiet --rm
  --skip-unused-stages --squash --squash-all --stdin --tls-verify --noout
  --remote --syslog'
_safebuild_push_value_flags='--authfile --cert-dir --compression-format
  --creds --digestfile -f --format --sign-by --sign-by-sigstore-private-key
  --sign-passphrase-file --cgroup-manager --conmon --connection
  --events-backend --hooks-dir --identity --log-level --namespace
  --network-cmd-path --network-config-dir --root --runroot --runtime
  --runtime-flag --storage-driver --storage-opt --tmpdir --url --volumepath'
_safebuild_push_switches='--compress --disable-content-trust -q --quiet
  --remove-signatures --tls-verify --noout --remote --syslog'

# _safebuild_podman_value COMMAND FLAG: how FLAG's value completes.
_safebuild_podman_value() {
  case $1:$2 in
    build:--authfile | build:--decryption-key | build:-f | build:--file | \
    build:--ignorefile | build:--iidfile | build:--logfile | build:--conmon \
    | build:--identity | build:--network-cmd-path | push:--authfile | \
    push:--digestfile | push:--sign-by-sigstore-private-key | \
    push:--sign-passphrase-file | push:--conmon | push:--identity | \
    push:--network-cmd-path)
      echo 'files' ;;
    build:--cert-dir | build:--hooks-dir | build:--network-config-dir | \
    build:--root | build:--runroot | build:--tmpdir | build:--volumepath | \
    push:--cert-dir | push:--hooks-dir | push:--network-config-dir | \
    push:--root | push:--runroot | push:--tmpdir | push:--volumepath)
      echo 'dirs' ;;
    build:--cgroupns | build:--ipc | build:--pid | build:--uts)
      echo 'host private' ;;
    build:--format)
      echo 'oci docker' ;;
    build:--isolation)
      echo 'oci chroot rootless' ;;
    build:--network)
      echo 'host none private' ;;
    build:--pull)
      echo 'always missing never newer true false' ;;
    build:--userns)
      echo 'auto container host' ;;
    build:--cgroup-manager | push:--cgroup-manager)
      echo 'cgroupfs systemd' ;;
    build:--events-backend | push:--events-backend)
      echo 'file journald none' ;;
    build:--log-level | push:--log-level)
      echo 'trace debug info warn error fatal panic' ;;
    build:--runtime | push:--runtime)
      echo 'crun runc' ;;
    build:--storage-driver | push:--storage-driver)
      echo 'overlay vfs btrfs zfs' ;;
    push:--compression-format)
      echo 'gzip zstd zstd:chunked' ;;
    push:-f | push:--format)
      echo 'oci v2s2 v2s1' ;;
  esac
}
# END podman flags

_safebuild_commands='build scan lint push baseline parse fix init version'
_safebuild_common_value_flags='--format --report --config --fail-on --color --podman
  --baseline --rewrite'
_safebuild_common_switches='--keep-failed --fail-on-skipped --prune-intermediate -q --quiet -v
  --verbose -h --help'
_safebuild_storage_flags='--root --runroot --storage-driver --storage-opt'

# Rebuilds the words bash split at ':' and '=' (COMP_WORDBREAKS), so that
# `--format=json` and `oci:dir` are one word each. Sets _sb_words and
# _sb_cword.
_safebuild_join_words() {
  local i word joining=0
  _sb_words=()
  _sb_cword=0
  for ((i = 0; i < ${#COMP_WORDS[@]} && i <= COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]}
    if ((i > 0)) && [[ -n $word && -z ${word//[=:]/} ]]; then
      _sb_words[-1]+=$word
      joining=1
    elif ((joining)); then
      _sb_words[-1]+=$word
      joining=0
    else
      _sb_words+=("$word")
    fi
  done
  _sb_cword=$((${#_sb_words[@]} - 1))
}

# Adds the words of $1 that start with $2 to COMPREPLY.
_safebuild_add() {
  local w
  for w in $1; do
    [[ $w == "$2"* ]] && COMPREPLY+=("$w")
  done
}

_safebuild_files() {
  compopt -o filenames 2> /dev/null
  mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -f -- "$1")
}

_safebuild_dirs() {
  compopt -o filenames 2> /dev/null
  mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -d -- "$1")
}

# Local images, from the podman safebuild would run; quietly nothing when
# there is no podman.
_safebuild_images() {
  local podman=${SAFEBUILD_PODMAN:-podman} name
  command -v "$podman" > /dev/null 2>&1 || return 0
  while IFS= read -r name; do
    [[ $name == *"<none>"* ]] && continue
    [[ $name == "$1"* ]] && COMPREPLY+=("$name")
  done < <("$podman" images --format '{{.Repository}}:{{.Tag}}' 2> /dev/null)
}

# An image for scan or push: a local name, or a transport and its path.
_safebuild_image_ref() {
  case $1 in
    oci:*)
      _safebuild_dirs "${1#oci:}"
      COMPREPLY=("${COMPREPLY[@]/#/oci:}")
      ;;
    oci-archive:* | docker-archive:*)
      local transport=${1%%:*}:
      _safebuild_files "${1#"$transport"}"
      COMPREPLY=("${COMPREPLY[@]/#/$transport}")
      ;;
    *)
      _safebuild_images "$1"
      _safebuild_add 'oci: oci-archive: docker-archive:' "$1"
      [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *: ]] && compopt -o nospace 2> /dev/null
      ;;
  esac
}

# The value of safebuild's own option $1, starting with $2.
_safebuild_common_value() {
  case $1 in
    --format) _safebuild_add 'text json sarif' "$2" ;;
    --fail-on) _safebuild_add 'info low medium high critical' "$2" ;;
    --color) _safebuild_add 'auto always never' "$2" ;;
    --rewrite) _safebuild_add 'off suggest apply' "$2" ;;
    --report | --podman | --config | --baseline) _safebuild_files "$2" ;;
    *) return 1 ;;
  esac
}

# The value of init's option $1, starting with $2.
_safebuild_init_value() {
  case $1 in
    --stack) _safebuild_add 'node python go maven' "$2" ;;
    --ci) _safebuild_add 'github gitlab tekton' "$2" ;;
  esac
}

# The value of podman flag $2 after command $1, starting with $3.
_safebuild_flag_value() {
  case $(_safebuild_podman_value "$1" "$2") in
    files) _safebuild_files "$3" ;;
    dirs) _safebuild_dirs "$3" ;;
    '') ;;
    *) _safebuild_add "$(_safebuild_podman_value "$1" "$2")" "$3" ;;
  esac
}

# Whether $1 is a value flag of command $2 (as a separate word).
_safebuild_takes_value() {
  local list
  case $2 in
    build | push)
      list="_safebuild_${2}_value_flags"
      list=${!list}
      ;;
    scan | baseline) list="$_safebuild_common_value_flags $_safebuild_storage_flags" ;;
    lint) list="$_safebuild_common_value_flags -f --file --build-arg --ignorefile" ;;
    fix) list="$_safebuild_common_value_flags -f --file --build-arg --target-version --artifact" ;;
    parse) list='-f --file' ;;
    init) list='--stack --ci' ;;
    '') list=$_safebuild_common_value_flags ;;
  esac
  list=" ${list//[$'\n' ]/ } "
  [[ $list == *" $1 "* ]]
}

# Completes word $1 (with previous word $2) after command $3, whose
# positional arguments so far number $4.
_safebuild_after_command() {
  local cur=$1 prev=$2 cmd=$3 npos=$4
  if _safebuild_takes_value "$prev" "$cmd"; then
    case $cmd in
      build | push) _safebuild_flag_value "$cmd" "$prev" "$cur" ;;
      *)
        _safebuild_common_value "$prev" "$cur" && return
        case $prev in
          --root | --runroot) _safebuild_dirs "$cur" ;;
          -f | --file | --ignorefile) _safebuild_files "$cur" ;;
          --storage-driver) _safebuild_add 'overlay vfs btrfs zfs' "$cur" ;;
          *) _safebuild_init_value "$prev" "$cur" ;;
        esac
        ;;
    esac
    return
  fi
  if [[ $cur == --*=* ]]; then
    local flag=${cur%%=*}
    case $cmd in
      build | push) _safebuild_flag_value "$cmd" "$flag" "${cur#*=}" ;;
      init) _safebuild_init_value "$flag" "${cur#*=}" ;;
      *) _safebuild_common_value "$flag" "${cur#*=}" ;;
    esac
    COMPREPLY=("${COMPREPLY[@]/#/$flag=}")
    return
  fi
  if [[ $cur == -* ]]; then
    case $cmd in
      build | push)
        local v="_safebuild_${cmd}_value_flags" s="_safebuild_${cmd}_switches"
        _safebuild_add "${!v} ${!s}" "$cur"
        ;;
      scan | baseline)
        _safebuild_add "$_safebuild_common_value_flags $_safebuild_common_switches
          $_safebuild_storage_flags" "$cur"
        ;;
      fix)
        _safebuild_add "$_safebuild_common_value_flags $_safebuild_common_switches
          -f --file --build-arg --diff --write --target-version --artifact" "$cur"
        ;;
      parse) _safebuild_add '-f --file -h --help' "$cur" ;;
      init) _safebuild_add '--stack --ci -h --help' "$cur" ;;
      lint)
        _safebuild_add "$_safebuild_common_value_flags $_safebuild_common_switches
          -f --file --build-arg --ignorefile" "$cur"
        ;;
    esac
    return
  fi
  case $cmd in
    build | lint | fix | parse | init) _safebuild_dirs "$cur" ;;
    scan | baseline) ((npos == 0)) && _safebuild_image_ref "$cur" ;;
    push)
      if ((npos == 0)); then
        _safebuild_images "$cur"
      elif ((npos == 1)); then
        _safebuild_add 'docker:// oci: oci-archive: docker-archive: dir:' "$cur"
        compopt -o nospace 2> /dev/null
      fi
      ;;
  esac
}

_safebuild() {
  COMPREPLY=()
  local _sb_words _sb_cword
  _safebuild_join_words
  local cur=${_sb_words[_sb_cword]} prev=${_sb_words[_sb_cword - 1]}
  local i word cmd='' npos=0
  for ((i = 1; i < _sb_cword; i++)); do
    word=${_sb_words[i]}
    if [[ -z $cmd ]]; then
      if [[ $word != -* ]]; then
        cmd=$word
      elif _safebuild_takes_value "$word" ''; then
        ((i++))
      fi
    elif [[ $word == -* ]]; then
      _safebuild_takes_value "$word" "$cmd" && ((i++))
    else
      ((npos++))
    fi
  done

  if [[ -n $cmd ]]; then
    [[ $cmd == version ]] || _safebuild_after_command "$cur" "$prev" "$cmd" "$npos"
  elif _safebuild_takes_value "$prev" ''; then
    _safebuild_common_value "$prev" "$cur"
  elif [[ $cur == --*=* ]]; then
    _safebuild_common_value "${cur%%=*}" "${cur#*=}"
    COMPREPLY=("${COMPREPLY[@]/#/${cur%%=*}=}")
  elif [[ $cur == -* ]]; then
    _safebuild_add "$_safebuild_common_value_flags $_safebuild_common_switches --version" "$cur"
  else
    _safebuild_add "$_safebuild_commands" "$cur"
  fi

  # bash replaces only the text after the last ':' or '=' it splits at.
  local breaks=${COMP_WORDBREAKS//[^=:]/}
  if [[ -n $breaks && $cur == *["$breaks"]* ]]; then
    local prefix=${cur%"${cur##*["$breaks"]}"}
    COMPREPLY=("${COMPREPLY[@]#"$prefix"}")
  fi
  return 0
}

complete -F _safebuild safebuild
