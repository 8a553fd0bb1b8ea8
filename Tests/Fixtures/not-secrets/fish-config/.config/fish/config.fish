if status is-interactive
    set -gx EDITOR nvim
    set -gx GITHUB_TOKEN (gh auth token)
    fish_add_path ~/.local/bin ~/.cargo/bin
    starship init fish | source
end
