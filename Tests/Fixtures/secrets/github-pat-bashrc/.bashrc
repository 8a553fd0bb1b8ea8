# ~/.bashrc: executed by bash(1) for non-login shells.
case $- in
    *i*) ;;
      *) return;;
esac

HISTCONTROL=ignoreboth
shopt -s histappend
HISTSIZE=10000
HISTFILESIZE=20000

alias ll='ls -alF'
alias gs='git status -sb'

# renovate on the homelab repos
export GITHUB_TOKEN=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
export PATH="$HOME/.local/bin:$PATH"
