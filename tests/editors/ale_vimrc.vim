" The test's vimrc: Debian's vim-ale, the postlint linter exactly as
" docs/editors/ale-postlint.vim ships it, and nothing from the user.
set nocompatible
filetype on
set runtimepath^=/usr/share/vim/vimfiles
packadd! ale
let g:ale_enabled = 1
let g:ale_lint_on_enter = 0
let g:ale_lint_on_text_changed = 'never'
let g:ale_linters = {'text': ['postlint'], 'markdown': ['postlint']}
let g:ale_linters_explicit = 1
let g:postlint_executable = $POSTLINT
