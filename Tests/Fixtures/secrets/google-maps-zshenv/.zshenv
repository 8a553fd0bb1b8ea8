export EDITOR=nvim
export PAGER=less
# geocoding for the photo tagger
export GOOGLE_MAPS_API_KEY="AIzaz3xjzdSM6z4virl3cfVqPkKbNqI1iIktY3T"
