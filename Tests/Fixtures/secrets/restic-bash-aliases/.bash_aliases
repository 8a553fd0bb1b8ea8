alias backup='restic -r sftp:nas.home.arpa:/srv/restic backup ~/Documents ~/Pictures'
export RESTIC_PASSWORD='fjEJYWY7ToyYWLwbhuXapnFz9jmI'
