export ZSH="$HOME/.oh-my-zsh"
ZSH_THEME="agnoster"
plugins=(git kubectl fzf)
source $ZSH/oh-my-zsh.sh

# Secrets come from pass and 1Password, never from this file.
export GITHUB_TOKEN="$(pass show github/token)"
export OPENAI_API_KEY=$(op read op://Private/OpenAI/credential)
export NPM_TOKEN=${NPM_TOKEN:-}
export VAULT_ADDR=https://vault.corp.internal:8200
export PASSWORD_STORE_ENABLE_EXTENSIONS=true
alias k=kubectl
