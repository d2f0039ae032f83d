"""zh_CN glossary for the second factor (merged by scripts/fill_zh.py)."""

GLOSSARY = {
    "Second factor": "双重验证",
    "Enter the 6-digit code your authenticator app shows now.": "请输入身份验证器应用当前显示的6位验证码。",
    "Code from your authenticator app": "身份验证器验证码",
    "That code is not right (or was already used). Enter the current code.": "验证码不正确或已使用，请输入当前验证码。",
    "Second factor turned on.": "已开启双重验证。",
    "Your second factor is on. If you lose your phone, ask an administrator to reset it.": "您已开启双重验证。手机丢失时请联系管理员重置。",
    "Add this account to your authenticator app, then enter the code it shows.": "请在身份验证器应用中添加此账号，然后输入显示的验证码。",
    "Secret": "密钥",
    "Link": "链接",
    "Turn on": "开启",
    "Reset second factor": "重置双重验证",
    "Second factor removed: %(name)s enrols again at next login.": "已移除双重验证：%(name)s 下次登录时需重新设置。",
}
