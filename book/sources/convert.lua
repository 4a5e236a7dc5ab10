-- Runs inside one `pandoc lua` process and converts every source listed on standard input.
-- Standard input, one line of JSON each (any folder or file name, a tab or a line break in it
-- too): first the build's settings, {"media": MEDIA_DIR, "track_changes": "reject-changes" or
-- "accept-changes"}; then each source, [FORMAT, PATH, LABEL] (not arguments: `pandoc lua` 3.9
-- crashes when given about a hundred of them; and a process started the same way for every
-- build can be started before the build knows its sources: book/sources/pandocrun.py). Writes
-- one line per source as soon as it is read, so the caller can work on it while the next is read:
-- D<tab>LABEL-JSON<tab>DOCUMENT-JSON, or E<tab>LABEL-JSON<tab>MESSAGE-JSON.
--
-- Why a Lua script: giving pandoc several files in one call merges them into one document;
-- `pandoc.read` inside one process keeps them apart and saves a process start per file.
-- Every read is sandboxed (read_env = {}): a source can never make pandoc touch the network
-- or read files outside itself.

-- Started before the build knows its sources (book/sources/pandocrun.py), pandoc waits for them
-- here; meanwhile it reads a paragraph of its own and throws it away: the first text of more than
-- a few hundred words pandoc reads costs it 20-25 ms more than any after (set-up of its own, the
-- same for Markdown and Word), paid now rather than on the build's first source.
pandoc.write(pandoc.read(string.rep('Occupational health and wellbeing for NHS staff. ', 100), 'markdown'), 'json')

local line = io.stdin:read('l')
if line == nil then return end      -- (started ahead, and not needed)
local settings = pandoc.json.decode(line, false)
-- Where images taken out of Word and OpenDocument files are saved, and what Word's tracked
-- changes not yet accepted or rejected become:
-- 'reject-changes' (the text as it was before them, the default) or 'accept-changes'
-- (`build.py --accept-changes`).
local media_dir = type(settings) == 'table' and settings.media or nil
local track_changes = type(settings) == 'table' and settings.track_changes or nil
if type(media_dir) ~= 'string' or (track_changes ~= 'reject-changes' and track_changes ~= 'accept-changes') then
  error('the first line of standard input is {"media": MEDIA_DIR, "track_changes": "reject-changes" or "accept-changes"}')
end

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

local function convert(format, path)
  local f = assert(io.open(path, 'rb'))
  local content = f:read('a')
  f:close()
  local doc = pandoc.read(content, format, {track_changes = track_changes}, {})
  return extract_media(doc)
end

for line in io.stdin:lines() do
  local format, path, label = table.unpack(pandoc.json.decode(line, false))
  local ok, result = pcall(convert, format, path)
  if ok then
    io.write('D\t', pandoc.json.encode(label), '\t', pandoc.write(result, 'json'), '\n')
  else
    io.write('E\t', pandoc.json.encode(label), '\t', pandoc.json.encode(tostring(result)), '\n')
  end
  io.stdout:flush()
end
