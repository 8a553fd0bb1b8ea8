# ~/.bashrc
[ -z "$PS1" ] && return
PS1='\u@\h:\w\$ '
alias ..='cd ..'
export OPENAI_API_KEY=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
