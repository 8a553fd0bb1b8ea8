# ~/.bashrc
[ -z "$PS1" ] && return
HISTCONTROL=ignoreboth
HISTSIZE=10000
shopt -s histappend checkwinsize
export GPG_TTY=$(tty)
export SSH_AUTH_SOCK="$XDG_RUNTIME_DIR/ssh-agent.socket"
export PASSWORD_STORE_DIR="$HOME/.password-store"
export AWS_PROFILE=work
alias ll='ls -alF'
alias token='gh auth token | wl-copy'
[ -f ~/.bash_aliases ] && . ~/.bash_aliases
eval "$(starship init bash)"
