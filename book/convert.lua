-- Runs inside one `pandoc lua` process and converts every source listed on standard input.
-- Arguments: MEDIA_DIR [TRACK_CHANGES]. Standard input: one line per source, FORMAT<tab>PATH<tab>LABEL (not
-- arguments: `pandoc lua` 3.9 crashes when given about a hundred of them). Writes one line per
-- source as soon as it is read, so the caller can work on it while the next is read:
-- D<tab>LABEL-JSON<tab>DOCUMENT-JSON, or E<tab>LABEL-JSON<tab>MESSAGE-JSON.
--
-- Why a Lua script: giving pandoc several files in one call merges them into one document;
-- `pandoc.read` inside one process keeps them apart and saves a process start per file.
-- Every read is sandboxed (read_env = {}): a source can never make pandoc touch the network
-- or read files outside itself.

local media_dir = arg[1]
-- What Word's tracked changes not yet accepted or rejected become: 'reject-changes' (the text as
-- it was before them, the default) or 'accept-changes' (`build.py --accept-changes`).
local track_changes = arg[2] or 'reject-changes'

local function extension_for(mime, path)
  local ext = path:match('%.([%w]+)$')
  if ext then return ext:lower() end
  return (mime or ''):match('/([%w]+)') or 'bin'
end

-- Word and ODT files carry their images inside; pandoc puts them in the media bag. Save each one
-- under its content hash (so two files' image1.png cannot collide) and point the Image at it.
local function extract_media(doc)
  local renamed = {}
  for _, item in ipairs(pandoc.mediabag.list()) do
    local mime, contents = pandoc.mediabag.lookup(item.path)
    local name = pandoc.utils.sha1(contents) .. '.' .. extension_for(mime, item.path)
    local target = media_dir .. '/' .. name
    local f = io.open(target, 'wb')
    if f then f:write(contents); f:close() end
    renamed[item.path] = target
  end
  pandoc.mediabag.empty()
  if next(renamed) == nil then return doc end
  return doc:walk {
    Image = function(img)
      if renamed[img.src] then img.src = renamed[img.src] end
      return img
    end
  }
end

-- Lists, quotes, tables and inline markup nested deeper than this are refused before anything
-- else looks at the document: no trust writes them on purpose, and the Python side and ReportLab
-- recurse once per level. Reported as 'N<tab>' + the start of the text where the limit is passed.
local MAX_NESTING = 30

local too_deep   -- the element at which the limit was passed, or nil

local block_depth, inline_depth

inline_depth = function(inlines, depth)
  for _, el in ipairs(inlines) do
    if too_deep then return end
    if el.tag == 'Note' then
      block_depth(el.content, depth + 1, el)
    elseif el.tag == 'Image' then
      inline_depth(el.caption, depth + 1)
    elseif el.content and type(el.content) ~= 'string' then
      if depth + 1 > MAX_NESTING then too_deep = el; return end
      inline_depth(el.content, depth + 1)
    end
  end
end

local function rows_depth(rows, depth)
  for _, row in ipairs(rows) do
    for _, cell in ipairs(row.cells) do block_depth(cell.contents, depth) end
  end
end

local function table_depth(el, depth)
  rows_depth(el.head.rows, depth)
  for _, body in ipairs(el.bodies) do
    rows_depth(body.head, depth)
    rows_depth(body.body, depth)
  end
  rows_depth(el.foot.rows, depth)
end

block_depth = function(blocks, depth, owner)
  if depth > MAX_NESTING then too_deep = owner; return end
  for _, el in ipairs(blocks) do
    if too_deep then return end
    local tag = el.tag
    if tag == 'Para' or tag == 'Plain' or tag == 'Header' then
      inline_depth(el.content, depth)
    elseif tag == 'LineBlock' then
      for _, line in ipairs(el.content) do inline_depth(line, depth) end
    elseif tag == 'BlockQuote' or tag == 'Div' or tag == 'Figure' then
      block_depth(el.content, depth + 1, el)
    elseif tag == 'BulletList' or tag == 'OrderedList' then
      for _, item in ipairs(el.content) do block_depth(item, depth + 1, el) end
    elseif tag == 'DefinitionList' then
      for _, item in ipairs(el.content) do
        inline_depth(item[1], depth + 1)
        for _, definition in ipairs(item[2]) do block_depth(definition, depth + 1, el) end
      end
    elseif tag == 'Table' then
      table_depth(el, depth + 1)
    end
  end
end

-- '' when the document is nested within the limit, else the start of the text nested too deep
local function nesting_problem(doc)
  too_deep = nil
  block_depth(doc.blocks, 0, nil)
  if not too_deep then return '' end
  local words = {}
  local holder = pandoc.utils.type(too_deep) == 'Inline' and pandoc.Plain({too_deep}) or too_deep
  pandoc.Div({holder}):walk { Str = function(s) if #words < 6 then words[#words + 1] = s.text end end }
  return pandoc.text.sub(table.concat(words, ' '), 1, 40)
end

local function convert(format, path)
  local f = assert(io.open(path, 'rb'))
  local content = f:read('a')
  f:close()
  local doc = pandoc.read(content, format, {track_changes = track_changes}, {})
  return extract_media(doc)
end

for line in io.stdin:lines() do
  local format, path, label = line:match('^([^\t]*)\t([^\t]*)\t(.*)$')
  local ok, result = pcall(convert, format, path)
  local deep = ok and nesting_problem(result) or ''
  if deep ~= '' then
    io.write('N\t', pandoc.json.encode(label), '\t', pandoc.json.encode(deep), '\n')
  elseif ok then
    io.write('D\t', pandoc.json.encode(label), '\t', pandoc.write(result, 'json'), '\n')
  else
    io.write('E\t', pandoc.json.encode(label), '\t', pandoc.json.encode(tostring(result)), '\n')
  end
  io.stdout:flush()
end
