# ~/.bash_profile
[ -f ~/.bashrc ] && . ~/.bashrc

export GITLAB_HOST=gitlab.com
export GITLAB_TOKEN=glpat-JtIwho6LwCNzut6MKVeE
