# personal account, for the backup bucket
set -gx AWS_DEFAULT_REGION eu-north-1
set -gx AWS_ACCESS_KEY_ID AKIAFSHIBW7USHXZYKDM
set -gx AWS_SECRET_ACCESS_KEY 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
