import <sp-lib>
