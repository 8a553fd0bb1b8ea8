# Path to your oh-my-zsh installation.
export ZSH="$HOME/.oh-my-zsh"
ZSH_THEME="robbyrussell"
plugins=(git dotnet fzf)
source $ZSH/oh-my-zsh.sh

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export NUGET_API_KEY=oy2n1o3fsziqizm450ialaxv47vgne40l2tmrb7gru1a6g
alias pushpkg='dotnet nuget push bin/Release/*.nupkg --source https://api.nuget.org/v3/index.json --api-key $NUGET_API_KEY'
