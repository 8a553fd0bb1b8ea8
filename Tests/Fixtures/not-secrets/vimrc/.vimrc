set nocompatible
syntax on
filetype plugin indent on
set number relativenumber
set expandtab shiftwidth=4 tabstop=4
set undofile undodir=~/.vim/undo
let mapleader = " "
nnoremap <leader>w :w<CR>
" keep secrets out of swap files
autocmd BufRead,BufNewFile ~/.password-store/* setlocal noswapfile nobackup noundofile
let g:fzf_layout = { 'down': '40%' }
