-- Headless Neovim: load docs/editors/postlint-lsp.lua as a user would,
-- open $DRAFT, wait for postlint's diagnostics, write them as JSON to $OUT.
vim.cmd('filetype on')
package.path = os.getenv('TOP') .. '/docs/editors/?.lua;' .. package.path
require('postlint-lsp').setup({ cmd = { os.getenv('POSTLINT'), '--lsp' } })
vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('DRAFT')))
vim.wait(15000, function() return #vim.diagnostic.get(0) > 0 end, 50)
local out = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  table.insert(out, { lnum = d.lnum, col = d.col, end_col = d.end_col,
    severity = d.severity, code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code),
    source = d.source, message = d.message })
end
local f = io.open(os.getenv('OUT'), 'w')
f:write(vim.fn.json_encode(out))
f:close()
vim.cmd('qall!')
