"""Small values parsed once from text: durations, byte sizes, versions, images, URLs, safe text."""
