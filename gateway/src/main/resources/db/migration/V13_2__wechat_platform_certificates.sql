-- WeChat Pay platform certificates, for merchants that verify with certificates rather than the WeChat
-- Pay public key: downloaded by one instance, read by every instance, each kept until it expires.
create table wechat_platform_certificate (
  mchid          text not null,
  serial_no      text not null,
  certificate    text not null,
  effective_time timestamptz not null,
  expire_time    timestamptz not null,
  downloaded_at  timestamptz not null,
  primary key (mchid, serial_no)
);
-- who downloads next: the one instance whose update moves next_at forward
create table wechat_certificate_download (
  mchid   text primary key,
  next_at timestamptz not null
);
