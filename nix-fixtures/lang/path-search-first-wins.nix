import <sp/sp-lib>
