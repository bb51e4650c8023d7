-- postlint's language server in Neovim 0.7 or later, with the built-in
-- client: put this file in ~/.config/nvim/lua/ and call
--   require('postlint-lsp').setup()
-- from init.lua; setup{ cmd = {'/path/to/postlint', '--lsp'} } names
-- another binary.  One server serves every text, Markdown and HTML buffer.
local M = {}

function M.setup(opts)
  opts = opts or {}
  local client_id
  vim.api.nvim_create_autocmd('FileType', {
    pattern = opts.filetypes or { 'text', 'markdown', 'html' },
    callback = function(args)
      if client_id == nil or vim.lsp.get_client_by_id(client_id) == nil then
        client_id = vim.lsp.start_client({
          name = 'postlint',
          cmd = opts.cmd or { 'postlint', '--lsp' },
          root_dir = vim.fn.getcwd(),
        })
      end
      if client_id ~= nil then
        vim.lsp.buf_attach_client(args.buf, client_id)
      end
    end,
  })
end

return M
